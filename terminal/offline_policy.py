"""What may be taken while the host cannot be reached, per tender (pure).

* Wallet payment codes are online-only: a code is single-use and short-lived and only the
  wallet can authorise it, so the tender is disabled offline, with the reason.
* Member (face-pay) and cash payments may be taken offline within the limits of
  ``OfflineSettings``. Every refusal names the setting key of the limit that refused it.

The caller gathers the facts (``Exposure``: what is already at risk in the store) and
asks ``check_offline``; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from terminal.attempt import Tender
from terminal.bilingual import Bilingual
from terminal.money import format_amount
from terminal.settings.offline_section import OfflineSettings


@dataclass(frozen=True)
class Exposure:
    """What the store already holds that the host has not confirmed.

    ``member_*`` are for the member paying now (zeros for cash). ``member_balance_fen``
    is the last balance snapshot from the host, None when there is none;
    ``member_spent_since_snapshot_fen`` is offline spend the snapshot does not include.
    """

    unsynced_count: int
    unsynced_fen: int
    oldest_unsynced_at: float | None
    member_today_fen: int = 0
    member_balance_fen: int | None = None
    member_spent_since_snapshot_fen: int = 0


@dataclass(frozen=True)
class OfflineDecision:
    allowed: bool
    limit_key: str = ""          # e.g. "offline.per_payment_max_fen"; "" when allowed
    message: Bilingual = Bilingual("", "")   # for the cashier

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = OfflineDecision(True)


def _refuse(key: str, zh: str, en: str) -> OfflineDecision:
    return OfflineDecision(False, key, Bilingual(f"离线收款被拒：{zh} [{key}]",
                                                 f"Offline payment refused: {en} [{key}]"))


def wallet_offline_decision(reason: str) -> OfflineDecision:
    """Wallet codes cannot be taken offline; ``reason`` says why the host is offline."""
    return OfflineDecision(False, "wallet.online_only", Bilingual(
        f"付款码支付需要联网，当前不可用（{reason}），请改用会员或现金",
        f"Payment codes need the host; disabled now ({reason}). Use member or cash instead"))


def check_offline(tender: Tender, amount_fen: int, exposure: Exposure,
                  settings: OfflineSettings, now: float) -> OfflineDecision:
    """May ``amount_fen`` be taken offline with ``tender`` now? First failing limit wins,
    checked from the most specific (this payment) to the store-wide ones."""
    if tender is Tender.WALLET:
        return wallet_offline_decision("离线 offline")
    if amount_fen > settings.per_payment_max_fen:
        limit = format_amount(settings.per_payment_max_fen)
        return _refuse("offline.per_payment_max_fen", f"单笔超过离线限额 {limit}",
                       f"more than the offline per-payment maximum {limit}")
    if exposure.unsynced_count + 1 > settings.total_unsynced_max_count:
        n = settings.total_unsynced_max_count
        return _refuse("offline.total_unsynced_max_count", f"待上传笔数已达上限 {n}",
                       f"{n} records are already waiting to sync")
    if exposure.unsynced_fen + amount_fen > settings.total_unsynced_max_fen:
        limit = format_amount(settings.total_unsynced_max_fen)
        return _refuse("offline.total_unsynced_max_fen", f"待上传总额将超过 {limit}",
                       f"total waiting to sync would exceed {limit}")
    if exposure.oldest_unsynced_at is not None and \
            now - exposure.oldest_unsynced_at > settings.max_age_s:
        hours = settings.max_age_s / 3600
        return _refuse("offline.max_age_s", f"最早的待上传记录已超过 {hours:g} 小时",
                       f"the oldest unsynced record is older than {hours:g} h")
    if tender is Tender.MEMBER:
        return _check_member(amount_fen, exposure, settings)
    return ALLOWED


def _check_member(amount_fen: int, exposure: Exposure,
                  settings: OfflineSettings) -> OfflineDecision:
    if exposure.member_today_fen + amount_fen > settings.member_daily_max_fen:
        limit = format_amount(settings.member_daily_max_fen)
        return _refuse("offline.member_daily_max_fen", f"该会员今日离线消费将超过 {limit}",
                       f"this member's offline total today would exceed {limit}")
    # Without a snapshot the balance counts as zero: only the allowance may be spent.
    balance = exposure.member_balance_fen or 0
    available = balance - exposure.member_spent_since_snapshot_fen \
        + settings.balance_allowance_fen
    if amount_fen > available:
        shown = format_amount(max(0, available))
        zh = "无余额记录" if exposure.member_balance_fen is None else "余额不足"
        en = "no balance on record" if exposure.member_balance_fen is None else \
            "balance too low"
        return _refuse("offline.balance_allowance_fen", f"{zh}，离线可用 {shown}",
                       f"{en}; {shown} available offline")
    return ALLOWED
