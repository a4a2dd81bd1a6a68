"""Taking a member or cash payment into the outbox, through the offline policy."""

from __future__ import annotations

from typing import Any

from terminal.attempt import Attempt, Tender
from terminal.bilingual import Bilingual
from terminal.errors import UserFacingError
from terminal.money import format_amount
from terminal.offline_policy import OfflineDecision, check_offline
from terminal.ports.host import Clock
from terminal.ports.outbox import OfflineStore
from terminal.settings.model import Settings


class OfflineRefused(UserFacingError):
    """The offline policy refused the payment; ``decision.limit_key`` names the limit."""

    def __init__(self, decision: OfflineDecision) -> None:
        self.decision = decision
        super().__init__(decision.message)


def take_offline(store: OfflineStore, settings: Settings, clock: Clock, *, tender: Tender,
                 amount_fen: int, subject: str, member_id: str = "", member_ref: str = "",
                 evidence: dict[str, Any] | None = None) -> Attempt:
    """Check the limits, then queue durably. Raises OfflineRefused (nothing written),
    StorageFull or QueueError."""
    store.check_free_space()
    now = clock.now()
    decision = check_offline(tender, amount_fen, store.exposure(now, member_id),
                             settings.offline, now)
    if not decision:
        raise OfflineRefused(decision)
    return store.enqueue(terminal_id=settings.terminal.terminal_id, tender=tender,
                         amount_fen=amount_fen, subject=subject, now=now, member_id=member_id,
                         member_ref=member_ref, evidence=evidence, taken_offline=True)


def offline_message(attempt: Attempt) -> Bilingual:
    amount = format_amount(attempt.amount_fen)
    return Bilingual(f"离线收款成功 {amount}，联网后自动上传",
                     f"Taken offline {amount}; it is forwarded to the host when the network "
                     "is back")
