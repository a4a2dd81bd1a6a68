"""Port to the durable outbox of payments taken without the host (member, cash)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from terminal.attempt import Attempt, Tender
from terminal.offline_policy import Exposure


@runtime_checkable
class OfflineStore(Protocol):
    """Local SQLite writes (fsync'd, a few ms): any thread, each with its own instance.
    Raise StorageFull when the disk is (nearly) full, QueueError for other failures."""

    def enqueue(self, *, terminal_id: str, tender: Tender, amount_fen: int, subject: str,
                now: float, member_id: str = "", member_ref: str = "",
                evidence: dict[str, Any] | None = None, taken_offline: bool = True) -> Attempt:
        """Journal the payment as approved-but-unsynced and queue it for the host, in one
        transaction; durable when this returns. ``now``: epoch seconds."""

    def exposure(self, now: float, member_id: str = "") -> Exposure:
        """What is already at risk (unsynced totals, this member's offline spend)."""

    def save_balance(self, member_id: str, balance_fen: int, now: float) -> None:
        """Cache the host's balance of a member (fen) for offline limits."""

    def check_free_space(self) -> None:
        """Raise StorageFull when the store's disk is below the configured minimum."""
