"""The wallet behind both sandboxes: orders by merchant and ``out_trade_no``, single-use
payment codes, a buyer who types a password, refunds, and the daily bill.

Thread-safe (one lock); time comes from a clock so tests can move it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable


class Behaviour(str, Enum):
    APPROVE = "approve"
    DECLINE_BALANCE = "81"
    DECLINE_INVALID_CODE = "82"
    PASSWORD_THEN_SUCCESS = "83"
    PASSWORD_THEN_CLOSE = "84"
    SYSTEM_ERROR_NO_TRADE = "85"
    SYSTEM_ERROR_BUT_PAID = "86"
    SLOW_SUCCESS = "87"
    DROP_AFTER_COMMIT = "88"
    CANCEL_NEEDS_RETRY = "89"


def behaviour_of(auth_code: str) -> Behaviour:
    try:
        return Behaviour(auth_code[-2:])
    except ValueError:
        return Behaviour.APPROVE


class State(str, Enum):
    WAITING = "WAIT_BUYER_PAY"
    PAID = "TRADE_SUCCESS"
    CLOSED = "TRADE_CLOSED"


@dataclass
class Order:
    merchant: str
    out_trade_no: str
    trade_no: str
    amount_fen: int
    behaviour: Behaviour
    code_digest: str
    created_at: float
    state: State
    settle_at: float = 0.0
    settle_to: State = State.PAID
    paid_at: float = 0.0
    refunded: dict[str, int] = field(default_factory=dict)
    refund_times: dict[str, float] = field(default_factory=dict)
    reversed: bool = False
    cancel_asks: int = 0
    buyer_id: str = ""

    @property
    def refunded_fen(self) -> int:
        return sum(self.refunded.values())


@dataclass(frozen=True)
class SandboxConfig:
    password_delay_s: float = 8.0
    slow_delay_s: float = 12.0
    cancel_retry_times: int = 2


class WalletLedger:
    def __init__(self, config: SandboxConfig = SandboxConfig(), *,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._orders: dict[tuple[str, str], Order] = {}
        self._codes: dict[str, tuple[str, str]] = {}
        self._serial = 0
        #: out_trade_nos of cancels/reverses that came before any pay (a late pay fails)
        self._closed_early: set[tuple[str, str]] = set()

    # -- reads --------------------------------------------------------------------------
    def order(self, merchant: str, out_trade_no: str) -> Order | None:
        with self._lock:
            found = self._orders.get((merchant, out_trade_no))
            if found is not None:
                self._settle(found)
            return found

    def orders(self, merchant: str) -> list[Order]:
        with self._lock:
            found = [o for (m, _), o in self._orders.items() if m == merchant]
            for order in found:
                self._settle(order)
            return sorted(found, key=lambda o: o.created_at)

    # -- pay ----------------------------------------------------------------------------
    def pay(self, merchant: str, out_trade_no: str, auth_code: str, amount_fen: int,
            trade_no_prefix: str) -> tuple[Order | None, str]:
        """The order and ``""``, or ``(None, reason)`` when nothing was created:
        ``no_trade`` (system error), ``invalid_code``, ``closed``, ``other_content``."""
        digest = hashlib.sha256(auth_code.encode()).hexdigest()
        behaviour = behaviour_of(auth_code)
        now = self.clock()
        with self._lock:
            key = (merchant, out_trade_no)
            existing = self._orders.get(key)
            if existing is not None:
                self._settle(existing)
                if existing.amount_fen != amount_fen or existing.code_digest != digest:
                    return None, "other_content"
                return existing, ""
            if key in self._closed_early:
                return None, "closed"
            if behaviour is Behaviour.SYSTEM_ERROR_NO_TRADE:
                return None, "no_trade"
            if digest in self._codes:
                return None, "invalid_code"
            self._serial += 1
            order = Order(merchant=merchant, out_trade_no=out_trade_no,
                          trade_no=f"{trade_no_prefix}{int(now)}{self._serial:08d}",
                          amount_fen=amount_fen, behaviour=behaviour, code_digest=digest,
                          created_at=now, state=State.PAID,
                          buyer_id="2088" + digest[:12].translate(str.maketrans("abcdef",
                                                                                  "123456")))
            if behaviour in (Behaviour.DECLINE_BALANCE, Behaviour.DECLINE_INVALID_CODE):
                order.state = State.CLOSED
            elif behaviour in (Behaviour.PASSWORD_THEN_SUCCESS, Behaviour.PASSWORD_THEN_CLOSE):
                order.state = State.WAITING
                order.settle_at = now + self.config.password_delay_s
                order.settle_to = (State.PAID if behaviour is Behaviour.PASSWORD_THEN_SUCCESS
                                   else State.CLOSED)
            else:
                order.paid_at = now
            self._orders[key] = order
            self._codes[digest] = key
            return order, ""

    # -- cancel / reverse ---------------------------------------------------------------
    def cancel(self, merchant: str, out_trade_no: str) -> tuple[Order | None, str]:
        """``(order, action)``; action ``retry`` when the wallet asks to call again,
        ``close`` or ``refund``; ``(None, "close")`` when there was no order (remembered)."""
        with self._lock:
            key = (merchant, out_trade_no)
            order = self._orders.get(key)
            if order is None:
                self._closed_early.add(key)
                return None, "close"
            self._settle(order)
            if (order.behaviour is Behaviour.CANCEL_NEEDS_RETRY
                    and order.cancel_asks < self.config.cancel_retry_times):
                order.cancel_asks += 1
                return order, "retry"
            if order.reversed:
                return order, "refund" if "__reverse__" in order.refunded else "close"
            order.reversed = True
            action = "refund" if order.state is State.PAID else "close"
            if action == "refund":
                order.refunded["__reverse__"] = order.amount_fen - order.refunded_fen
                order.refund_times["__reverse__"] = self.clock()
            order.state = State.CLOSED
            order.settle_at = 0.0
            return order, action

    # -- refund -------------------------------------------------------------------------
    def refund(self, merchant: str, out_trade_no: str, request_no: str,
               amount_fen: int) -> tuple[Order | None, str]:
        """``(order, "")`` when booked (or booked before with this amount); else a reason:
        ``not_exist``, ``status``, ``too_much``, ``other_amount``."""
        with self._lock:
            order = self._orders.get((merchant, out_trade_no))
            if order is None:
                return None, "not_exist"
            self._settle(order)
            earlier = order.refunded.get(request_no)
            if earlier is not None:
                return (order, "") if earlier == amount_fen else (order, "other_amount")
            if order.state is not State.PAID:
                return order, "status"
            if order.refunded_fen + amount_fen > order.amount_fen:
                return order, "too_much"
            order.refunded[request_no] = amount_fen
            order.refund_times[request_no] = self.clock()
            return order, ""

    def _settle(self, order: Order) -> None:
        if (order.state is State.WAITING and order.settle_at
                and self.clock() >= order.settle_at):
            order.state = order.settle_to
            if order.state is State.PAID:
                order.paid_at = order.settle_at
            order.settle_at = 0.0
