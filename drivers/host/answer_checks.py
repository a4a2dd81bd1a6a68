"""Is a correctly signed answer about the request that was sent? (pure)

A signature says who answered, not what about. Before the client maps an answer to a
domain result, the answer must echo what the request was about (the host protocol,
docs/host.md "What the terminal checks in every answer"):

* every method: ``terminal_id`` equal to the request's; a success code only under the
  method's own answer key (not ``error_response``);
* pay / member pay: ``out_trade_no`` in every answer; with 10000 ``trade_no`` and
  ``total_amount`` equal to the request; with 10003 ``total_amount``; member pay also
  ``member_id``; a ``trade_status`` that contradicts the code is refused;
* query: ``out_trade_no``; with 10000 ``trade_status``, ``total_amount`` and ``trade_no``
  (the amount is compared with the journal by the domain, which knows it);
* cancel: ``out_trade_no``; with 10000 ``retry_flag`` (Y/N) and ``action``;
* refund: ``out_trade_no`` and ``out_request_no``; with 10000 ``refund_amount`` equal to
  the request, ``refund_fee`` (total so far) not below it, and ``trade_no``;
* balance: ``member_id``; with 10000 ``balance``;
* ping: with 10000 a finite ``server_time``;
* batch upload: with 10000 ``results`` covering exactly the records sent, each once,
  each with its ``total_amount``;
* daily bill: with 10000 ``bill_date`` equal to the request and a ``trades`` list.

An echo field that is present must match even where it is not required, and fields that
only another method's answer carries (a ping's ``server_time`` in a pay answer, a
cancel's ``action`` in a query answer, ...) are refused: that is how a genuine answer of
another method, placed under this method's key, is recognised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

from drivers.host.face_answer_checks import face_enrol_problems, face_sync_problems
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_FACE_ENROL, METHOD_FACE_SYNC, METHOD_MEMBER_BALANCE,
                               METHOD_MEMBER_PAY, METHOD_PAY, METHOD_PING, METHOD_QUERY,
                               METHOD_REFUND)
from terminal.errors import AnswerInconsistent
from terminal.host_batch_messages import BatchOutcome
from terminal.host_messages import CODE_SUCCESS, CODE_WAITING, TradeStatus
from terminal.money import from_yuan_string

#: A yuan amount is short; anything longer is refused before it is parsed.
MAX_AMOUNT_TEXT = 16
_PAID = (TradeStatus.TRADE_SUCCESS.value, TradeStatus.TRADE_FINISHED.value)
_SUCCESS_CODES = (CODE_SUCCESS, CODE_WAITING)


@dataclass(frozen=True)
class Asked:
    """What one request asked, as far as its answer must echo it."""

    method: str
    terminal_id: str
    out_trade_no: str = ""
    total_fen: int | None = None
    member_id: str = ""
    out_request_no: str = ""
    refund_fen: int | None = None
    bill_date: str = ""
    records: tuple[tuple[str, int], ...] = ()      # batch: (out_trade_no, amount fen)
    since_version: int = 0                         # face sync
    templates_sent: int = 0                        # face enrol
    #: False when talking straight to Alipay (``host.alipay_direct``): Alipay does not
    #: echo terminal_id (a terminal_id it does send must still match).
    terminal_echo: bool = True


def check_answer(asked: Asked, payload: Mapping[str, object], *,
                 under_error_key: bool = False) -> None:
    """Raise AnswerInconsistent naming every problem; return None when the answer is
    about the request."""
    problems = answer_problems(asked, payload, under_error_key=under_error_key)
    if problems:
        raise AnswerInconsistent(asked.method, problems)


def answer_problems(asked: Asked, payload: Mapping[str, object], *,
                    under_error_key: bool = False) -> list[str]:
    """Every way ``payload`` (a verified answer object) fails to be about ``asked``."""
    problems: list[str] = []
    code = payload.get("code")
    if under_error_key and code in _SUCCESS_CODES:
        problems.append(f"a {code} answer came as error_response")
    _echo(problems, payload, "terminal_id", asked.terminal_id, required=asked.terminal_echo)
    rule = _RULES.get(asked.method)
    if rule is None:
        problems.append(f"no answer rules for method {asked.method!r}")
    else:
        rule(asked, payload, str(code), problems)
    return problems


# -- field helpers ---------------------------------------------------------------------
def _echo(problems: list[str], payload: Mapping[str, object], key: str, expected: str, *,
          required: bool) -> None:
    value = payload.get(key)
    if value is None:
        if required:
            problems.append(f"{key} missing (the request's is {expected!r})")
    elif value != expected:
        problems.append(f"{key} {_short(value)} is not the request's {expected!r}")


def parse_amount(value: object) -> int | None:
    """Fen of a yuan string like "12.34"; None when it is not one."""
    if not isinstance(value, str) or len(value) > MAX_AMOUNT_TEXT:
        return None
    try:
        return from_yuan_string(value)
    except ValueError:
        return None


def _amount(problems: list[str], payload: Mapping[str, object], key: str, expected_fen: int | None, *,
            required: bool) -> int | None:
    """Check ``key`` is a yuan amount (equal to ``expected_fen`` when given)."""
    value = payload.get(key)
    if value is None:
        if required:
            problems.append(f"{key} missing")
        return None
    fen = parse_amount(value)
    if fen is None:
        problems.append(f"{key} {_short(value)} is not a yuan amount")
    elif expected_fen is not None and fen != expected_fen:
        problems.append(f"{key} {_short(value)} is not the request's "
                        f"{expected_fen // 100}.{expected_fen % 100:02d}")
    return fen


def _non_empty(problems: list[str], payload: Mapping[str, object], key: str) -> None:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key} missing or empty")


def _foreign(problems: list[str], payload: Mapping[str, object], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in payload:
            problems.append(f"carries {key!r}, a field of another method's answer")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- per method ----------------------------------------------------------------------------
def _pay(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    member = asked.method == METHOD_MEMBER_PAY
    _echo(problems, payload, "out_trade_no", asked.out_trade_no, required=True)
    answered = code in _SUCCESS_CODES
    _amount(problems, payload, "total_amount", asked.total_fen, required=answered)
    if member:
        _echo(problems, payload, "member_id", asked.member_id, required=answered)
    if code == CODE_SUCCESS:
        _non_empty(problems, payload, "trade_no")
    status = payload.get("trade_status")
    if status is not None:
        fits = (status in _PAID if code == CODE_SUCCESS
                else status == TradeStatus.WAIT_BUYER_PAY.value if code == CODE_WAITING
                else status not in _PAID)
        if not fits:
            problems.append(f"trade_status {_short(status)} contradicts code {code}")
    foreign = ("out_request_no", "refund_fee", "retry_flag", "action", "server_time",
               "results", "trades", "bill_date", "balance")
    _foreign(problems, payload, foreign if member else foreign + ("member_id",))


def _query(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    _echo(problems, payload, "out_trade_no", asked.out_trade_no, required=True)
    if code == CODE_SUCCESS:
        status = payload.get("trade_status")
        if status not in {s.value for s in TradeStatus} or status == TradeStatus.NOT_EXIST:
            problems.append(f"trade_status {_short(status)} is not a trade status")
        _amount(problems, payload, "total_amount", None, required=True)
        _non_empty(problems, payload, "trade_no")
    _foreign(problems, payload, ("out_request_no", "refund_fee", "retry_flag", "action",
                                 "server_time", "results", "trades", "bill_date", "balance"))


def _cancel(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    _echo(problems, payload, "out_trade_no", asked.out_trade_no, required=True)
    flag = payload.get("retry_flag")
    if flag is None and code == CODE_SUCCESS:
        problems.append("retry_flag missing")
    elif flag is not None and flag not in ("Y", "N"):
        problems.append(f"retry_flag {_short(flag)} is not Y or N")
    if code == CODE_SUCCESS and payload.get("action") not in ("close", "refund"):
        problems.append(f"action {_short(payload.get('action'))} is not close or refund")
    _foreign(problems, payload, ("trade_status", "out_request_no", "refund_fee",
                                 "refund_amount", "server_time", "results", "trades",
                                 "bill_date", "balance", "total_amount"))


def _refund(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    _echo(problems, payload, "out_trade_no", asked.out_trade_no, required=True)
    # Alipay itself (host.alipay_direct) names neither; the back office echoes both.
    _echo(problems, payload, "out_request_no", asked.out_request_no,
          required=asked.terminal_echo)
    success = code == CODE_SUCCESS
    amount = _amount(problems, payload, "refund_amount", asked.refund_fen,
                     required=success and asked.terminal_echo)
    total = _amount(problems, payload, "refund_fee", None, required=success)
    if success:
        _non_empty(problems, payload, "trade_no")
        if amount is not None and total is not None and total < amount:
            problems.append("refund_fee (refunded so far) is below this refund_amount")
    _foreign(problems, payload, ("trade_status", "retry_flag", "action", "server_time",
                                 "results", "trades", "bill_date", "balance"))


def _balance(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    _echo(problems, payload, "member_id", asked.member_id, required=True)
    _amount(problems, payload, "balance", None, required=code == CODE_SUCCESS)
    _foreign(problems, payload, ("out_trade_no", "trade_status", "trade_no", "server_time",
                                 "results", "trades", "bill_date", "retry_flag", "action"))


def _ping(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    if code == CODE_SUCCESS:
        value = payload.get("server_time")
        try:
            seconds = float(value) if isinstance(value, (str, int, float)) and \
                not isinstance(value, bool) else math.nan
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds):
            problems.append(f"server_time {_short(value)} is not a time")
    _foreign(problems, payload, ("out_trade_no", "trade_status", "trade_no", "member_id",
                                 "balance", "results", "trades", "bill_date", "retry_flag",
                                 "action"))


def _batch(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    _foreign(problems, payload, ("out_trade_no", "trade_status", "server_time", "trades",
                                 "bill_date", "balance", "retry_flag", "action"))
    if code != CODE_SUCCESS:
        return
    items = payload.get("results")
    if not isinstance(items, list):
        problems.append("results missing")
        return
    sent = dict(asked.records)
    seen: set[str] = set()
    outcomes = {o.value for o in BatchOutcome}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("out_trade_no"), str):
            problems.append("a result without out_trade_no")
            continue
        no = item["out_trade_no"]
        if no in seen:
            problems.append(f"{no} answered twice")
        seen.add(no)
        if no not in sent:
            problems.append(f"a result for {no}, which was not sent")
            continue
        if item.get("result") not in outcomes:
            problems.append(f"{no}: result {_short(item.get('result'))} is unknown")
        fen = parse_amount(item.get("total_amount"))
        if fen != sent[no]:
            problems.append(f"{no}: total_amount {_short(item.get('total_amount'))} is not "
                            f"the record's {sent[no] // 100}.{sent[no] % 100:02d}")
    missing = [no for no in sent if no not in seen]
    if missing:
        problems.append(f"no result for {len(missing)} record(s) sent, e.g. {missing[0]}")


def _bill(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    _foreign(problems, payload, ("out_trade_no", "trade_status", "server_time", "results",
                                 "balance", "retry_flag", "action"))
    _echo(problems, payload, "bill_date", asked.bill_date, required=code == CODE_SUCCESS)
    if code == CODE_SUCCESS and not isinstance(payload.get("trades"), list):
        problems.append("trades missing")


def _face_enrol(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    problems += face_enrol_problems(asked.member_id, asked.templates_sent, payload,
                                    code == CODE_SUCCESS)


def _face_sync(asked: Asked, payload: Mapping[str, object], code: str, problems: list[str]) -> None:
    problems += face_sync_problems(asked.since_version, payload, code == CODE_SUCCESS)


_RULES: dict[str, Callable[[Asked, Mapping[str, object], str, list[str]], None]] = {
    METHOD_PAY: _pay, METHOD_MEMBER_PAY: _pay, METHOD_QUERY: _query, METHOD_CANCEL: _cancel,
    METHOD_REFUND: _refund, METHOD_MEMBER_BALANCE: _balance, METHOD_PING: _ping,
    METHOD_BATCH_UPLOAD: _batch, METHOD_BILL_DAILY: _bill,
    METHOD_FACE_ENROL: _face_enrol, METHOD_FACE_SYNC: _face_sync,
}
