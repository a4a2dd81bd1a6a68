"""The state machine of one payment attempt.

    created ──► pending ──► approved ──► (partially_)refunded
                   │ ├────► declined
                   │ ├────► unknown ──► resolving ──► approved | closed | cancelled
                   │ └────► answer_inconsistent ──► approved | closed | cancelled
                   │             ▲        │  ▲
                   │  resolving ─┘        ▼  │ (a person asks again)
                   │                     held
                   └──────► (crash) the resolver treats pending like unknown

A final state (approved, declined, closed, cancelled) is reached only from a host
answer that is about this payment; nothing is decided by guessing. A signed answer that
is not about it (other number, amount, terminal, method) moves the attempt to
``answer_inconsistent``, which the resolver settles by query (checked too); when the
host disagrees again the attempt is ``held`` for a person: not final, not retried by
itself, and end of day refuses to close. Illegal moves raise IllegalTransition.
"""

from __future__ import annotations

from enum import Enum

from terminal.errors import IllegalTransition


class TxState(str, Enum):
    CREATED = "created"        # journaled, no request sent yet
    PENDING = "pending"        # pay request sent (or about to be), no answer yet
    APPROVED = "approved"      # host says paid
    DECLINED = "declined"      # host says no (balance, invalid code): nothing charged
    UNKNOWN = "unknown"        # timeout, system error, waiting for password
    RESOLVING = "resolving"    # the resolver is querying / cancelling
    CLOSED = "closed"          # host says the trade closed unpaid
    CANCELLED = "cancelled"    # we cancelled/reversed it; money (if any) returned
    REFUNDED = "refunded"      # fully refunded after approval
    PARTIALLY_REFUNDED = "partially_refunded"
    #: A signed host answer was not about this payment: being settled by query.
    INCONSISTENT = "answer_inconsistent"
    #: The host kept answering about something else: a person must look (alarm).
    HELD = "held"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def needs_resolution(self) -> bool:
        """The resolver works on it by itself."""
        return self in (TxState.CREATED, TxState.PENDING, TxState.UNKNOWN, TxState.RESOLVING,
                        TxState.INCONSISTENT)

    @property
    def needs_person(self) -> bool:
        """Money may have moved and only a person can settle it (alarm, blocks the day)."""
        return self is TxState.HELD


FINAL_STATES = frozenset({TxState.APPROVED, TxState.DECLINED, TxState.CLOSED,
                          TxState.CANCELLED, TxState.REFUNDED, TxState.PARTIALLY_REFUNDED})

_ALLOWED: dict[TxState, frozenset[TxState]] = {
    TxState.CREATED: frozenset({TxState.PENDING, TxState.RESOLVING}),
    TxState.PENDING: frozenset({TxState.APPROVED, TxState.DECLINED, TxState.UNKNOWN,
                                TxState.RESOLVING, TxState.INCONSISTENT}),
    TxState.UNKNOWN: frozenset({TxState.RESOLVING}),
    TxState.RESOLVING: frozenset({TxState.APPROVED, TxState.CLOSED, TxState.CANCELLED,
                                  TxState.DECLINED, TxState.INCONSISTENT}),
    TxState.INCONSISTENT: frozenset({TxState.APPROVED, TxState.CLOSED, TxState.CANCELLED,
                                     TxState.DECLINED, TxState.HELD}),
    TxState.HELD: frozenset({TxState.INCONSISTENT}),
    TxState.APPROVED: frozenset({TxState.REFUNDED, TxState.PARTIALLY_REFUNDED}),
    TxState.PARTIALLY_REFUNDED: frozenset({TxState.REFUNDED, TxState.PARTIALLY_REFUNDED}),
    TxState.DECLINED: frozenset(),
    TxState.CLOSED: frozenset(),
    TxState.CANCELLED: frozenset(),
    TxState.REFUNDED: frozenset(),
}


def can_transition(current: TxState, target: TxState) -> bool:
    return target in _ALLOWED[current]


def check_transition(current: TxState, target: TxState) -> TxState:
    """Return ``target`` if the move is legal, else raise IllegalTransition."""
    if not can_transition(current, target):
        raise IllegalTransition(f"cannot move a transaction from {current.value} to {target.value}")
    return target
