"""The durable payment journal, as the domain needs it.

Every write is on disk (fsync) when the method returns. Each thread must use its own
Journal instance (one SQLite connection per thread). Raises QueueError (StorageFull,
StoreCorrupt) when the store cannot do it; IllegalTransition for a bad state move.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, TypedDict, Unpack, runtime_checkable

from terminal.attempt import Attempt, Tender
from terminal.transaction import TxState


class AttemptChanges(TypedDict, total=False):
    """The bookkeeping fields a journal change may set, each an ``Attempt`` field of the
    same type. What identifies an attempt or its money (number, tender, wallet, code,
    amount, subject, creation time) is written once and never changed; the state moves
    only through ``mark``."""

    first_request_at: float | None
    host_trade_no: str
    result_code: str
    sub_code: str
    sub_msg: str
    waiting_for_password: bool
    query_count: int
    last_query_at: float | None
    cancel_count: int
    last_cancel_at: float | None
    cancelling: bool
    needs_attention: bool
    refunded_fen: int
    offline: bool
    member_ref: str


#: One change of a batch: (out_trade_no, new state or None, event, event detail, fields).
AttemptChange = tuple[str, TxState | None, str, dict[str, Any], AttemptChanges]


@runtime_checkable
class Journal(Protocol):
    def open_attempt(self, *, terminal_id: str, tender: Tender, wallet: str, code_masked: str,
                     amount_fen: int, subject: str, now: float, offline: bool = False,
                     member_ref: str = "", sending: bool = False,
                     also: Callable[[Any, str], None] | None = None) -> Attempt:
        """Allocate the next ``out_trade_no`` and write the attempt in state CREATED, or
        with ``sending`` directly as PENDING (CREATED and "pay_sent" recorded in the same
        commit) when the request goes out right after. ``also(store, out_trade_no)``
        writes more in that same commit (the store is the journal's own handle)."""

    def mark(self, out_trade_no: str, state: TxState, *, now: float, event: str,
             detail: dict[str, Any] | None = None, **fields: Unpack[AttemptChanges]) -> Attempt:
        """Move to ``state`` (checked against the state machine) and update ``fields``,
        with an event in the history, in one transaction. Moving to the state it is
        already in just updates the fields."""

    def note(self, out_trade_no: str, *, now: float, event: str,
             detail: dict[str, Any] | None = None, **fields: Unpack[AttemptChanges]) -> Attempt:
        """Record an event and update bookkeeping fields without a state change."""

    def get(self, out_trade_no: str) -> Attempt | None:
        """The attempt, or None."""

    def unresolved(self) -> list[Attempt]:
        """Attempts whose outcome is not yet known, oldest first."""


@runtime_checkable
class RefundJournal(Journal, Protocol):
    """The journal with its refund requests (idempotent by ``out_request_no``)."""

    def record_refund(self, out_request_no: str, out_trade_no: str, amount_fen: int,
                      state: str, now: float, sub_code: str = "") -> None:
        """Insert or update a refund request, on disk when it returns."""

    def refunds(self, out_trade_no: str) -> list[dict[str, Any]]:
        """The refund requests of one sale, oldest first."""
