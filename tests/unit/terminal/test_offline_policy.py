"""The offline policy: every refusal names the limit that refused it."""

from __future__ import annotations

import pytest

from terminal.attempt import Tender
from terminal.offline_policy import Exposure, check_offline, wallet_offline_decision
from terminal.settings.offline_section import OfflineSettings

LIMITS = OfflineSettings(per_payment_max_fen=10_000, member_daily_max_fen=20_000,
                         total_unsynced_max_fen=50_000, total_unsynced_max_count=10,
                         max_age_s=3600, balance_allowance_fen=1_000)
NOW = 1_790_000_000.0
EMPTY = Exposure(0, 0, None, member_balance_fen=100_000)


def test_wallet_codes_are_never_taken_offline():
    decision = check_offline(Tender.WALLET, 1, EMPTY, LIMITS, NOW)
    assert not decision and decision.limit_key == "wallet.online_only"
    assert "Payment codes need the host" in wallet_offline_decision("x").message


@pytest.mark.parametrize("tender", [Tender.CASH, Tender.MEMBER])
def test_within_limits_is_allowed(tender):
    assert check_offline(tender, 10_000, EMPTY, LIMITS, NOW)


@pytest.mark.parametrize("tender, amount, exposure, key", [
    (Tender.CASH, 10_001, EMPTY, "offline.per_payment_max_fen"),
    (Tender.MEMBER, 10_001, EMPTY, "offline.per_payment_max_fen"),
    (Tender.CASH, 100, Exposure(10, 1000, NOW), "offline.total_unsynced_max_count"),
    (Tender.CASH, 5_000, Exposure(3, 45_001, NOW), "offline.total_unsynced_max_fen"),
    (Tender.CASH, 100, Exposure(1, 100, NOW - 3601), "offline.max_age_s"),
    (Tender.MEMBER, 5_000, Exposure(0, 0, None, member_today_fen=15_001,
                                    member_balance_fen=100_000), "offline.member_daily_max_fen"),
    (Tender.MEMBER, 2_000, Exposure(0, 0, None, member_balance_fen=1_500,
                                    member_spent_since_snapshot_fen=600),
     "offline.balance_allowance_fen"),
    (Tender.MEMBER, 1_001, Exposure(0, 0, None), "offline.balance_allowance_fen"),
])
def test_each_limit_refuses_by_name(tender, amount, exposure, key):
    decision = check_offline(tender, amount, exposure, LIMITS, NOW)
    assert not decision
    assert decision.limit_key == key
    assert key in decision.message
    assert "离线收款被拒" in decision.message and "Offline payment refused" in decision.message


def test_limits_are_inclusive_at_the_edge():
    exposure = Exposure(9, 40_000, NOW - 3600, member_today_fen=10_000,
                        member_balance_fen=10_000, member_spent_since_snapshot_fen=1_000)
    assert check_offline(Tender.MEMBER, 10_000, exposure, LIMITS, NOW)


def test_no_snapshot_allows_only_the_allowance():
    assert check_offline(Tender.MEMBER, 1_000, Exposure(0, 0, None), LIMITS, NOW)


def test_cash_ignores_member_limits():
    exposure = Exposure(0, 0, None, member_today_fen=10**9)
    assert check_offline(Tender.CASH, 100, exposure, LIMITS, NOW)
