"""A PaymentHost that answers from a script, for testing the domain's decisions about
each possible answer (the real client and simulator are tested over loopback in
tests/contract/host)."""

from __future__ import annotations

from collections import deque

from terminal.host_messages import (CancelAnswer, PayAnswer, PayRequest, QueryAnswer,
                                    RefundAnswer)


class ScriptedHost:
    def __init__(self, *, pay=(), query=(), cancel=(), refund=()) -> None:
        self.scripts = {"pay": deque(pay), "query": deque(query), "cancel": deque(cancel),
                        "refund": deque(refund)}
        self.calls: list[tuple[str, str]] = []

    def _next(self, kind: str, key: str):
        self.calls.append((kind, key))
        if not self.scripts[kind]:
            raise AssertionError(f"unexpected {kind} call for {key}")
        item = self.scripts[kind].popleft()
        if isinstance(item, BaseException):
            raise item
        return item

    def pay(self, request: PayRequest) -> PayAnswer:
        return self._next("pay", request.out_trade_no)

    def query(self, out_trade_no: str) -> QueryAnswer:
        return self._next("query", out_trade_no)

    def cancel(self, out_trade_no: str) -> CancelAnswer:
        return self._next("cancel", out_trade_no)

    def refund(self, out_trade_no, refund_fen, out_request_no, reason="") -> RefundAnswer:
        return self._next("refund", out_request_no)

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.calls if k == kind)
