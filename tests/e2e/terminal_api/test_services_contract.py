"""Abort, Reversal, Reconciliation, Diagnosis and Print against a real host simulator."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from urllib.parse import parse_qs

from drivers.host.simulator.behaviours import Behaviour
from drivers.pos_api.client import result_of
from offline_queue.print_jobs import PrintJobStore
from tests.e2e.terminal_api.conftest import new_code


def body(answer: dict, key: str) -> dict:
    return answer["SaleToPOIResponse"][key]


def additional(answer: dict, key: str) -> dict:
    text = body(answer, key)["Response"].get("AdditionalResponse", "")
    return {k: v[0] for k, v in parse_qs(text).items()}


def pay_in_background(pos, txn: str, amount: str, code: str) -> dict:
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(
        answer=pos.pay(txn, amount, code=code, wait_s=30)))
    thread.start()
    box["thread"] = thread
    return box


def test_abort_during_a_password_wait_ends_aborted_and_nothing_stays_charged(pos, sim):
    box = pay_in_background(pos, "AB-1", "3.00", new_code(Behaviour.PASSWORD_THEN_SUCCESS))
    time.sleep(0.3)
    abort = pos.abort(transaction_id="AB-1")
    assert result_of(abort, "AbortResponse") == "Success"
    box["thread"].join(30)
    answer = box["answer"]
    assert result_of(answer, "PaymentResponse") == "Aborted"
    assert sum(c["net_fen"] for c in sim.ledger.charges()) == 0


def test_abort_of_a_finished_payment_is_not_allowed_and_of_nothing_not_found(pos):
    pos.pay("AB-2", "1.00", code=new_code())
    assert result_of(pos.abort(transaction_id="AB-2"), "AbortResponse") == "NotAllowed"
    assert result_of(pos.abort(transaction_id="AB-404"), "AbortResponse") == "NotFound"


def test_a_payment_without_a_code_needs_customer_input_which_serve_has_not(pos, sim):
    answer = pos.pay("NC-1", "1.00")
    assert result_of(answer, "PaymentResponse") == "UnavailableService"
    assert "PaymentCode" in additional(answer, "PaymentResponse")["message"]
    assert sim.ledger.trades() == []


def test_reversal_part_then_rest_is_idempotent_per_key(pos, sim):
    paid = pos.pay("RV-1", "10.00", code=new_code())
    trade = body(paid, "PaymentResponse")["POIData"]["POITransactionID"]["TransactionID"]
    first = pos.reverse(trade, "4.00", key="REF-1")
    again = pos.reverse(trade, "4.00", key="REF-1")
    assert result_of(first, "ReversalResponse") == result_of(again, "ReversalResponse") == \
        "Success"
    assert body(first, "ReversalResponse")["ReversedAmount"] == Decimal("4.00")
    assert sim.ledger.charges()[0]["net_fen"] == 600
    rest = pos.reverse(trade, key="REF-2")
    assert body(rest, "ReversalResponse")["ReversedAmount"] == Decimal("6.00")
    assert sim.ledger.charges()[0]["net_fen"] == 0
    more = pos.reverse(trade, "1.00", key="REF-3")
    assert result_of(more, "ReversalResponse") == "NotAllowed"
    reused = pos.reverse(trade, "2.00", key="REF-1")
    assert result_of(reused, "ReversalResponse") == "NotAllowed"
    unknown = pos.reverse("T0001NOPE", "1.00", key="REF-9")
    assert result_of(unknown, "ReversalResponse") == "NotFound"


def test_reconciliation_closes_the_day_with_totals(pos):
    pos.pay("EOD-1", "2.50", code=new_code())
    pos.pay("EOD-2", "1.50", code=new_code())
    answer = pos.reconcile()
    assert result_of(answer, "ReconciliationResponse") == "Success", answer
    totals = body(answer, "ReconciliationResponse")["TransactionTotals"]
    assert totals == [{"PaymentInstrumentType": "Mobile", "TransactionCount": 2,
                       "TransactionAmount": Decimal("4.00"), "PaytermWallet": "alipay"}]


def test_reconciliation_is_refused_while_a_payment_is_unresolved(pos):
    answer = pos.pay("EOD-3", "2.00", code=new_code(Behaviour.PASSWORD_THEN_SUCCESS),
                     wait_s=0.2)
    assert result_of(answer, "PaymentResponse") == "InProgress"
    refused = pos.reconcile()
    assert result_of(refused, "ReconciliationResponse") in ("Busy", "NotAllowed")


def test_diagnosis_reports_the_host(pos, sim):
    answer = pos.diagnose()
    status = body(answer, "DiagnosisResponse")
    assert status["POIStatus"]["GlobalStatus"] == "OK"
    assert status["HostStatus"][0]["IsReachableFlag"] is True
    sim.take_down()
    down = body(pos.diagnose(), "DiagnosisResponse")
    assert down["HostStatus"][0]["IsReachableFlag"] is False
    assert down["POIStatus"]["GlobalStatus"] == "Unreachable"


def test_print_queues_one_job_per_request_even_when_repeated(pos, terminal, tmp_path):
    lines = ["收银机小票 POS receipt", "可乐 Cola  3.00"]
    first = pos.send("Print", {"PrintOutput": {"DocumentQualifier": "SaleReceipt",
                                               "OutputContent": {"OutputFormat": "Text",
                                                                 "OutputText": [
                                                                     {"Text": t}
                                                                     for t in lines]}}},
                     service_id="PR1")
    again = pos.send("Print", {"PrintOutput": {"DocumentQualifier": "SaleReceipt",
                                               "OutputContent": {"OutputFormat": "Text",
                                                                 "OutputText": [
                                                                     {"Text": t}
                                                                     for t in lines]}}},
                     service_id="PR1")
    assert additional(first, "PrintResponse")["payterm.queued"] == "new"
    assert additional(again, "PrintResponse")["payterm.queued"] == "already_queued"
    jobs = PrintJobStore.open(tmp_path / "terminal" / "payterm.db")
    try:
        listed = jobs.jobs()
    finally:
        jobs.close()
    assert [j.job_id for j in listed] == ["pos:POS1:PR1"]
    assert listed[0].receipt.text_lines == tuple(lines)
