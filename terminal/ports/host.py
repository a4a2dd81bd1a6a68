"""Ports to the payment host and the clock.

Drivers implement these; the composition root (``ui/``) wires a real or a simulated
implementation in. Every method says its units, whether it blocks, which thread may call
it and what it raises.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from terminal.host_messages import (CancelAnswer, MemberPayRequest, PayAnswer, PayRequest,
                                    PingAnswer, QueryAnswer, RefundAnswer)


@runtime_checkable
class PaymentHost(Protocol):
    """Wallet trades through the payment host. Blocking network calls: call them from a
    worker thread, never the GUI thread.

    Each raises HostUnreachable when the request certainly did not reach the host,
    OutcomeUnknown when it may have taken effect (read timeout, dropped connection,
    unparseable or wrongly signed answer) and HostRejected when the host refused it.
    """

    def pay(self, request: PayRequest) -> PayAnswer:
        """Trade pay (scene bar_code). Idempotent by ``out_trade_no`` at the host."""

    def query(self, out_trade_no: str) -> QueryAnswer:
        """Trade query; safe to repeat."""

    def cancel(self, out_trade_no: str) -> CancelAnswer:
        """Cancel/reverse; safe to repeat (the host treats a second cancel as done)."""

    def refund(self, out_trade_no: str, refund_fen: int, out_request_no: str,
               reason: str = "") -> RefundAnswer:
        """Refund part or all of an approved trade; idempotent by ``out_request_no``."""


@runtime_checkable
class MemberHost(Protocol):
    """Closed-loop member accounts (face-pay). Same threading and errors as PaymentHost."""

    def member_pay(self, request: MemberPayRequest) -> PayAnswer:
        """Debit a member account; idempotent by ``out_trade_no``."""

    def member_balance(self, member_id: str) -> int:
        """The member's balance in fen, for the offline balance snapshot."""


@runtime_checkable
class MemberAndPaymentHost(MemberHost, PaymentHost, Protocol):
    """A host offering member accounts and the wallet calls that resolve them."""


@runtime_checkable
class HostHealth(Protocol):
    def ping(self) -> PingAnswer:
        """A cheap signed round trip; raises HostUnreachable/OutcomeUnknown on failure."""


@runtime_checkable
class Clock(Protocol):
    def now(self) -> float:
        """Wall-clock seconds since the epoch (for records and receipts)."""

    def monotonic(self) -> float:
        """Monotonic seconds (for timeouts and windows)."""

    def sleep(self, seconds: float) -> None:
        """Block the calling thread; a test clock advances instead."""
