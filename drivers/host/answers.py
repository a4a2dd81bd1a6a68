"""Turning the host's verified answer objects into domain answers (pure).

Nothing here guesses: an answer that does not say clearly what happened becomes
UNKNOWN (pay) or OutcomeUnknown (the rest), and the caller resolves it by query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from terminal.errors import HostRejected, OutcomeUnknown
from terminal.host_batch_messages import (BatchItemResult, BatchOutcome, DailyStatement,
                                          StatementLine)
from terminal.host_messages import (CODE_BUSINESS_FAILED, CODE_INSUFFICIENT_PERMISSIONS,
                                    CODE_SUCCESS, CODE_SYSTEM_ERROR, CODE_WAITING,
                                    CancelAnswer, PayAnswer, PayOutcome, QueryAnswer,
                                    RefundAnswer, TradeStatus, terminal_refusal_text)
from terminal.money import from_yuan_string

SUB_TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST"
#: 40004 sub-codes of a pay that do not mean "declined": resolve them by query.
#: ``ACQ.CONTEXT_INCONSISTENT`` is not among them: it says the host holds this number
#: with other content and did not take this request, so whatever a later query finds
#: under the number is not this payment (a lost or copied journal); it is a decline.
_PAY_SUBS_NOT_FINAL = frozenset({"ACQ.SYSTEM_ERROR", "ACQ.TRADE_HAS_SUCCESS",
                                 "ACQ.TRADE_HAS_CLOSE"})


def _fen(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key)
    if value in (None, ""):
        return 0
    try:
        return from_yuan_string(str(value))
    except ValueError:
        raise OutcomeUnknown(f"host answer has a bad amount in {key!r}") from None


def _rejected(payload: dict[str, Any], method: str) -> HostRejected:
    sub_code = str(payload.get("sub_code", ""))
    # 40006: the host refuses this terminal's identity; say why in both languages.
    meaning = terminal_refusal_text(sub_code) if payload.get("code") == \
        CODE_INSUFFICIENT_PERMISSIONS else None
    return HostRejected(
        f"{method} refused by the host: {payload.get('code')} {payload.get('msg', '')} "
        f"{sub_code} {payload.get('sub_msg', '')}".strip(),
        code=str(payload.get("code", "")), sub_code=sub_code,
        sub_msg=str(payload.get("sub_msg", "")), user_message=meaning)


def pay_answer(payload: dict[str, Any], method: str = "alipay.trade.pay") -> PayAnswer:
    """10000 approved, 10003 waiting, 20000 unknown, 40004 declined; others refused."""
    code = payload["code"]
    sub_code = str(payload.get("sub_code", ""))
    if code == CODE_SUCCESS:
        outcome = PayOutcome.APPROVED
    elif code == CODE_WAITING:
        outcome = PayOutcome.WAITING_FOR_PASSWORD
    elif code == CODE_SYSTEM_ERROR:
        outcome = PayOutcome.UNKNOWN
    elif code == CODE_BUSINESS_FAILED:
        outcome = PayOutcome.UNKNOWN if sub_code in _PAY_SUBS_NOT_FINAL else PayOutcome.DECLINED
    else:
        raise _rejected(payload, method)
    return PayAnswer(outcome=outcome, code=code, msg=str(payload.get("msg", "")),
                     sub_code=sub_code, sub_msg=str(payload.get("sub_msg", "")),
                     host_trade_no=str(payload.get("trade_no", "")),
                     total_fen=_fen(payload, "total_amount"),
                     buyer_id=str(payload.get("buyer_user_id", "")))


def query_answer(payload: dict[str, Any]) -> QueryAnswer:
    code = payload["code"]
    sub_code = str(payload.get("sub_code", ""))
    if code == CODE_SUCCESS:
        try:
            status = TradeStatus(str(payload.get("trade_status", "")))
        except ValueError:
            raise OutcomeUnknown(
                f"query answer has an unknown trade_status {payload.get('trade_status')!r}"
            ) from None
        return QueryAnswer(status=status, code=code,
                           host_trade_no=str(payload.get("trade_no", "")),
                           total_fen=_fen(payload, "total_amount"))
    if code == CODE_BUSINESS_FAILED and sub_code == SUB_TRADE_NOT_EXIST:
        return QueryAnswer(status=TradeStatus.NOT_EXIST, code=code, sub_code=sub_code,
                           sub_msg=str(payload.get("sub_msg", "")))
    if code == CODE_SYSTEM_ERROR or (code == CODE_BUSINESS_FAILED
                                     and sub_code == "ACQ.SYSTEM_ERROR"):
        raise OutcomeUnknown(f"query: host system error {sub_code}".strip())
    raise _rejected(payload, "alipay.trade.query")


def cancel_answer(payload: dict[str, Any]) -> CancelAnswer:
    """``done`` on success (or nothing to cancel); ``retry`` when the host asks for it."""
    code = payload["code"]
    sub_code = str(payload.get("sub_code", ""))
    retry = str(payload.get("retry_flag", "N")).upper() == "Y"
    common = dict(code=code, sub_code=sub_code, sub_msg=str(payload.get("sub_msg", "")))
    if code == CODE_SUCCESS and not retry:
        return CancelAnswer(done=True, retry=False, action=str(payload.get("action", "")),
                            **common)
    if code == CODE_BUSINESS_FAILED and sub_code == SUB_TRADE_NOT_EXIST and not retry:
        return CancelAnswer(done=True, retry=False, action="close", **common)
    if retry or code == CODE_SYSTEM_ERROR:
        return CancelAnswer(done=False, retry=True, **common)
    if code == CODE_BUSINESS_FAILED:
        return CancelAnswer(done=False, retry=False, **common)
    raise _rejected(payload, "alipay.trade.cancel")


def refund_answer(payload: dict[str, Any], refund_fen: int) -> RefundAnswer:
    code = payload["code"]
    sub_code = str(payload.get("sub_code", ""))
    if code == CODE_SUCCESS:
        return RefundAnswer(accepted=True, refund_fen=refund_fen, code=code,
                            total_refunded_fen=_fen(payload, "refund_fee"),
                            host_trade_no=str(payload.get("trade_no", "")))
    if code == CODE_BUSINESS_FAILED and sub_code != "ACQ.SYSTEM_ERROR":
        return RefundAnswer(accepted=False, refund_fen=0, code=code, sub_code=sub_code,
                            sub_msg=str(payload.get("sub_msg", "")))
    if code in (CODE_SYSTEM_ERROR, CODE_BUSINESS_FAILED):
        raise OutcomeUnknown("refund: host system error; repeat with the same out_request_no")
    raise _rejected(payload, "alipay.trade.refund")


def balance_fen(payload: dict[str, Any]) -> int:
    code = payload["code"]
    if code == CODE_SUCCESS:
        if "balance" not in payload:
            raise OutcomeUnknown("balance answer has no balance")
        return _fen(payload, "balance")
    if code == CODE_SYSTEM_ERROR:
        raise OutcomeUnknown("balance: host system error")
    raise _rejected(payload, "payterm.member.balance")


def require_success(payload: dict[str, Any], method: str) -> dict[str, Any]:
    code = payload["code"]
    if code == CODE_SUCCESS:
        return payload
    if code == CODE_SYSTEM_ERROR:
        raise OutcomeUnknown(f"{method}: host system error")
    raise _rejected(payload, method)


def batch_results(payload: dict[str, Any], sent: list[str]) -> list[BatchItemResult]:
    """Per-record results in the order sent; an answer that does not cover exactly the
    records sent is garbage (OutcomeUnknown: sending the batch again is safe)."""
    items = require_success(payload, "payterm.offline.batch_upload").get("results")
    if not isinstance(items, list):
        raise OutcomeUnknown("batch answer has no results list")
    by_no: dict[str, BatchItemResult] = {}
    for item in items:
        try:
            result = BatchItemResult(out_trade_no=str(item["out_trade_no"]),
                                     outcome=BatchOutcome(item["result"]),
                                     reason_code=str(item.get("sub_code", "")),
                                     reason_msg=str(item.get("sub_msg", "")),
                                     host_trade_no=str(item.get("trade_no", "")))
        except (KeyError, TypeError, ValueError):
            raise OutcomeUnknown("batch answer has a malformed result") from None
        by_no[result.out_trade_no] = result
    if set(by_no) != set(sent) or len(items) != len(sent):
        raise OutcomeUnknown("batch answer does not match the records sent")
    return [by_no[no] for no in sent]


def daily_statement(payload: dict[str, Any], terminal_id: str, day: date) -> DailyStatement:
    trades = require_success(payload, "payterm.bill.daily").get("trades")
    if not isinstance(trades, list):
        raise OutcomeUnknown("daily bill answer has no trades list")
    lines = []
    try:
        for item in trades:
            lines.append(StatementLine(
                out_trade_no=str(item["out_trade_no"]), tender=str(item["tender"]),
                wallet=str(item.get("wallet", "")), amount_fen=_fen(item, "total_amount"),
                state=str(item["trade_status"]), refunded_fen=_fen(item, "refund_amount"),
                host_trade_no=str(item.get("trade_no", "")),
                member_id=str(item.get("member_id", "")),
                offline=bool(item.get("offline", False)),
                created_at_epoch_s=float(item.get("created_at", 0.0))))
    except (KeyError, TypeError, ValueError):
        raise OutcomeUnknown("daily bill answer has a malformed trade") from None
    return DailyStatement(terminal_id=terminal_id, day=day, lines=tuple(lines))
