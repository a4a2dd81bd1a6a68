"""Payment and TransactionStatus over HTTPS against a real host simulator."""

from __future__ import annotations

from decimal import Decimal

from drivers.host.simulator.behaviours import Behaviour
from drivers.pos_api.client import result_of
from tests.e2e.terminal_api.conftest import new_code


def body(answer: dict, key: str) -> dict:
    return answer["SaleToPOIResponse"][key]


def test_a_payment_with_a_pos_scanned_code_is_approved_with_receipt_and_masked_code(pos, sim):
    code = new_code()
    answer = pos.pay("SALE-1", "12.34", code=code, service_id="SVC1")
    header = answer["SaleToPOIResponse"]["MessageHeader"]
    assert header["ServiceID"] == "SVC1" and header["MessageType"] == "Response"
    payment = body(answer, "PaymentResponse")
    assert payment["Response"]["Result"] == "Success"
    result = payment["PaymentResult"]
    assert result["AmountsResp"] == {"Currency": "CNY", "AuthorizedAmount": Decimal("12.34")}
    masked = result["PaymentInstrumentData"]["MobileData"]["MaskedCode"]
    assert code not in str(answer) and masked.endswith(code[-4:])
    out_trade_no = payment["POIData"]["POITransactionID"]["TransactionID"]
    assert sim.ledger.charges()[0]["out_trade_no"] == out_trade_no
    lines = [line["Text"] for line in payment["PaymentReceipt"][0]["OutputContent"]["OutputText"]]
    assert any(out_trade_no in line for line in lines)
    assert any("12.34" in line for line in lines)


def test_the_same_sale_again_returns_the_same_outcome_and_never_charges_twice(pos, sim):
    code = new_code()
    first = pos.pay("SALE-2", "5.00", code=code)
    again = pos.pay("SALE-2", "5.00", code=code)
    assert result_of(first, "PaymentResponse") == result_of(again, "PaymentResponse") == \
        "Success"
    trade = body(first, "PaymentResponse")["POIData"]["POITransactionID"]
    assert body(again, "PaymentResponse")["POIData"]["POITransactionID"] == trade
    assert len(sim.ledger.charges()) == 1


def test_a_declined_payment_is_a_refusal_and_status_finds_it(pos):
    answer = pos.pay("SALE-3", "1.00", code=new_code(Behaviour.DECLINE_BALANCE),
                     service_id="SVC3")
    assert result_of(answer, "PaymentResponse") == "Refusal"
    status = pos.status(service_id="SVC3")
    assert result_of(status, "TransactionStatusResponse") == "Success"
    repeated = body(status, "TransactionStatusResponse")["RepeatedMessageResponse"]
    assert repeated["MessageHeader"]["ServiceID"] == "SVC3"
    inner = repeated["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert inner["Response"]["ErrorCondition"] == "Refusal"


def test_status_of_an_unknown_sale_is_not_found(pos):
    answer = pos.status(transaction_id="NEVER")
    assert result_of(answer, "TransactionStatusResponse") == "NotFound"


def test_a_short_timeout_answers_in_progress_then_status_gives_the_outcome(pos):
    answer = pos.pay("SALE-4", "2.00", code=new_code(Behaviour.PASSWORD_THEN_SUCCESS),
                     wait_s=0.2)
    assert result_of(answer, "PaymentResponse") == "InProgress"
    assert result_of(pos.status(transaction_id="SALE-4"),
                     "TransactionStatusResponse") in ("InProgress", "Success")
    import time
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = pos.status(transaction_id="SALE-4")
        if result_of(status, "TransactionStatusResponse") != "InProgress":
            break
        time.sleep(0.2)
    inner = body(status, "TransactionStatusResponse")["RepeatedMessageResponse"][
        "RepeatedResponseMessageBody"]["PaymentResponse"]
    assert inner["Response"]["Result"] == "Success"


def test_many_payments_do_not_pile_up_database_connections(terminal, pos):
    """Each payment used to open a journal and a store connection on a thread of its own
    and keep them: a busy day ran the terminal out of file descriptors."""
    import os
    pos.pay("FD-0", "1.00", code=new_code())
    res = terminal.engine.res
    before, fds = res.open_count(), len(os.listdir("/proc/self/fd"))
    for i in range(1, 9):
        assert result_of(pos.pay(f"FD-{i}", "1.00", code=new_code()),
                         "PaymentResponse") == "Success"
    assert res.open_count() <= before + 2
    assert len(os.listdir("/proc/self/fd")) - fds < 12
