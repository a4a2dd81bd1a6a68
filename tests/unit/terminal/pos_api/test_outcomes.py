"""payterm outcomes as nexo answers (issue 11's states included)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from terminal.attempt import Attempt, Tender
from terminal.pos_api.outcomes import SaleRecord, is_final_for_pos, payment_answer
from terminal.transaction import TxState

RECORD = SaleRecord("POS1", "T-1", "S1", "2026-12-01T10:00:00Z", 1234, "T0001X", "linked")


def attempt(state: TxState, **changes) -> Attempt:
    values = dict(out_trade_no="T0001X", seq=1, tender=Tender.WALLET, wallet="alipay",
                  code_masked="28************1234", amount_fen=1234, subject="s",
                  state=state, created_at=1.0, updated_at=1.0)
    values.update(changes)
    return Attempt(**values)


def additional(answer: dict) -> dict:
    return {k: v[0] for k, v in parse_qs(answer.get("AdditionalResponse", "")).items()}


def test_only_an_approval_is_success():
    assert payment_answer(RECORD, attempt(TxState.APPROVED), running=False) == {
        "Result": "Success", "AdditionalResponse": "payterm.state=approved"}
    for state in (TxState.DECLINED, TxState.CLOSED, TxState.CANCELLED):
        answer = payment_answer(RECORD, attempt(state), running=False)
        assert answer["Result"] == "Failure" and answer["ErrorCondition"] == "Refusal"


@pytest.mark.parametrize("state", [TxState.PENDING, TxState.UNKNOWN, TxState.RESOLVING,
                                   TxState.INCONSISTENT])
def test_anything_not_final_is_in_progress_even_an_inconsistent_answer(state):
    answer = payment_answer(RECORD, attempt(state), running=False)
    assert answer["ErrorCondition"] == "InProgress"
    assert additional(answer)["payterm.state"] == state.value
    assert not is_final_for_pos(RECORD, attempt(state), running=False)


def test_a_held_payment_is_a_failure_that_says_staff_must_check():
    answer = payment_answer(RECORD, attempt(TxState.HELD), running=False)
    assert answer["Result"] == "Failure" and answer["ErrorCondition"] == "UnavailableService"
    extra = additional(answer)
    assert extra["payterm.state"] == "held" and "do not charge again" in extra["message"]
    assert is_final_for_pos(RECORD, attempt(TxState.HELD), running=False)


def test_a_running_payment_is_in_progress_and_an_unsent_one_charged_nothing():
    assert payment_answer(RECORD, None, running=True)["ErrorCondition"] == "InProgress"
    stopped = SaleRecord("POS1", "T-1", "S1", "", 1234, aborted=True)
    answer = payment_answer(stopped, None, running=False)
    assert answer["ErrorCondition"] == "Aborted"
    assert additional(answer)["payterm.state"] == "not_sent"


def test_an_aborted_payment_refunded_in_full_is_aborted_not_success():
    aborted = SaleRecord("POS1", "T-1", "S1", "", 1234, "T0001X", "linked", aborted=True)
    answer = payment_answer(aborted, attempt(TxState.REFUNDED, refunded_fen=1234),
                            running=False)
    assert answer["ErrorCondition"] == "Aborted"
    assert additional(answer)["refunded"] == "12.34"


def test_host_unreachable_before_sending_is_unreachable_host():
    answer = payment_answer(RECORD, attempt(TxState.DECLINED,
                                            sub_code="PAYTERM.HOST_UNREACHABLE"), running=False)
    assert answer["ErrorCondition"] == "UnreachableHost"
