"""The cash tender. Cash never needs the host's authorisation, but the host must see it
(daily statement, reconciliation), so every cash sale goes through the outbox:

* online: recorded at once and forwarded by the sync worker within seconds; no offline
  limits apply (only the terminal's maximum amount and the free-disk check);
* offline: the offline policy applies (per-payment maximum, total unsynced amount and
  count, oldest unsynced age) before it is recorded.

Either way the sale is on disk before the cashier is told, and its ``out_trade_no`` is
the id the host books it under.
"""

from __future__ import annotations

from dataclasses import dataclass

from terminal.attempt import Attempt, Tender
from terminal.bilingual import Bilingual
from terminal.connectivity import ConnectivityMonitor
from terminal.errors import UserFacingError
from terminal.money import format_amount, validate_fen
from terminal.offline_taking import offline_message, take_offline
from terminal.ports.host import Clock
from terminal.ports.outbox import OfflineStore
from terminal.settings.model import Settings


@dataclass(frozen=True)
class CashResult:
    attempt: Attempt
    change_fen: int
    message: Bilingual


class CashPayment:
    """Local writes only (a few ms); any thread with its own store instance."""

    def __init__(self, store: OfflineStore, settings: Settings, clock: Clock,
                 monitor: ConnectivityMonitor) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._monitor = monitor

    def pay(self, amount_fen: int, *, tendered_fen: int | None = None,
            subject: str | None = None) -> CashResult:
        """Record a cash sale. Raises UserFacingError (bad amount, too little tendered),
        OfflineRefused (a limit, when offline), StorageFull/QueueError."""
        validate_fen(amount_fen, max_fen=self._settings.terminal.max_amount_fen)
        if tendered_fen is not None and tendered_fen < amount_fen:
            raise UserFacingError(
                f"tendered {tendered_fen} < amount {amount_fen}",
                user_message=f"收款不足：应收 {format_amount(amount_fen)}，实收 "
                             f"{format_amount(tendered_fen)} / Not enough cash tendered")
        subject = subject or self._settings.terminal.subject
        change = (tendered_fen - amount_fen) if tendered_fen is not None else 0
        if self._monitor.online:
            self._store.check_free_space()
            attempt = self._store.enqueue(
                terminal_id=self._settings.terminal.terminal_id, tender=Tender.CASH,
                amount_fen=amount_fen, subject=subject, now=self._clock.now(),
                taken_offline=False)
            amount = format_amount(amount_fen)
            message = Bilingual(f"现金收款 {amount} 已记录", f"Cash {amount} recorded")
        else:
            attempt = take_offline(self._store, self._settings, self._clock,
                                   tender=Tender.CASH, amount_fen=amount_fen, subject=subject)
            message = offline_message(attempt)
        if change:
            message = Bilingual(f"{message.zh}；找零 {format_amount(change)}",
                                f"{message.en}; change {format_amount(change)}")
        return CashResult(attempt, change, message)
