"""Bad input over the wire: wrong key, malformed JSON, unknown service, bad amounts, a
10 MB body, a slow client, many clients at once, two POSes racing, a POS that hangs up
mid-payment. Each gets a clear answer naming the field, and nothing changes."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from drivers.host.simulator.behaviours import Behaviour
from drivers.pos_api.client import TerminalApiError, pinned_context, result_of
from offline_queue.pos_api_store import PosApiStore
from tests.e2e.terminal_api.conftest import new_code, pos_client


def raw_post(terminal, data: bytes, *, key: str | None = None, headers=None):
    creds = terminal.credentials
    context = pinned_context(creds.url, creds.tls_sha256)
    with httpx.Client(verify=context, timeout=30) as http:
        return http.post(creds.url, content=data, headers={
            "Authorization": f"Bearer {key if key is not None else creds.key}",
            **(headers or {})})


def request(category="Payment", body=None, **header) -> dict:
    head = {"ProtocolVersion": "3.0", "MessageClass": "Service", "MessageCategory": category,
            "MessageType": "Request", "ServiceID": "BAD1", "SaleID": "POS1", "POIID": "T0001",
            **header}
    return {"SaleToPOIRequest": {"MessageHeader": head, f"{category}Request": body or {}}}


def pay_body(amount="1.00", currency="CNY") -> dict:
    return {"SaleData": {"SaleTransactionID": {"TransactionID": "B-1",
                                               "TimeStamp": "2026-12-01T10:00:00Z"}},
            "PaymentTransaction": {"AmountsReq": {"Currency": currency,
                                                  "RequestedAmount": "AMOUNT"}},
            "PaymentData": {"PaymentCode": new_code()}}, amount


def encode(payload: tuple[dict, str]) -> bytes:
    body, amount = payload
    text = json.dumps(request(body=body))
    return text.replace('"AMOUNT"', amount).encode()


def failure(reply) -> tuple[str, dict]:
    envelope = reply.json()["SaleToPOIResponse"]
    key = next(k for k in envelope if k != "MessageHeader")
    answer = envelope[key]["Response"]
    extra = {k: v[0] for k, v in parse_qs(answer.get("AdditionalResponse", "")).items()}
    return answer.get("ErrorCondition", answer["Result"]), extra


def sales(tmp_path) -> list:
    store = PosApiStore.open(tmp_path / "terminal" / "payterm.db")
    try:
        return store.sales()
    finally:
        store.close()


AMOUNT = "PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount"


@pytest.mark.parametrize("data, condition, field", [
    (b"{oops", "MessageFormat", "(body)"),
    (json.dumps(request("Loyalty")).encode(), "UnavailableService",
     "MessageHeader.MessageCategory"),
    (encode(pay_body("1.234")), "MessageFormat", AMOUNT),
    (encode(pay_body("-5.00")), "MessageFormat", AMOUNT),
    (encode(pay_body("50000.01")), "MessageFormat", AMOUNT),
    (encode(pay_body("1e400")), "MessageFormat", AMOUNT),
    (encode(pay_body("1.00", "USD")), "MessageFormat",
     "PaymentRequest.PaymentTransaction.AmountsReq.Currency"),
])
def test_bad_requests_name_the_field_and_change_nothing(terminal, sim, tmp_path, data,
                                                        condition, field):
    reply = raw_post(terminal, data)
    assert reply.status_code == 200
    got, extra = failure(reply)
    assert (got, extra.get("field")) == (condition, field)
    assert sales(tmp_path) == [] and sim.ledger.trades() == []


def test_a_wrong_key_is_refused_then_the_address_is_rate_limited(terminal):
    data = json.dumps(request("Diagnosis")).encode()
    assert raw_post(terminal, data, key="wrong").status_code == 401
    assert raw_post(terminal, data).status_code == 200
    for _ in range(12):
        raw_post(terminal, data, key="wrong")
    limited = raw_post(terminal, data)        # even the right key, for a minute
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"


def test_a_10_mb_body_is_refused_unread(terminal, sim):
    reply = raw_post(terminal, b"{" + b" " * (10 * 1024 * 1024) + b"}")
    assert reply.status_code == 413
    assert failure(reply)[0] == "MessageFormat"


@pytest.mark.parametrize("terminal", ["body_read_timeout_s = 1.0"], indirect=True)
def test_a_slow_client_is_cut_off(terminal):
    creds = terminal.credentials
    parts = urlsplit(creds.url)
    context = pinned_context(creds.url, creds.tls_sha256)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        with context.wrap_socket(raw) as tls:
            tls.sendall(f"POST /terminal-api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        f"{creds.key}\r\nContent-Length: 100\r\n\r\n{{".encode())
            started = time.monotonic()
            reply = tls.recv(4096)
    assert reply.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 8


def test_many_clients_at_once_all_get_answers(terminal):
    def ask(i: int) -> str:
        with pos_client(terminal, sale_id=f"POS{i}") as client:
            return client.status(transaction_id="none")["SaleToPOIResponse"][
                "TransactionStatusResponse"]["Response"]["ErrorCondition"]
    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(ask, range(24))) == {"NotFound"}


def test_two_poses_racing_one_terminal_one_pays_the_other_is_busy(terminal, sim):
    first, second = pos_client(terminal, "LANE1"), pos_client(terminal, "LANE2")
    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(answer=first.pay(
        "R-1", "7.00", code=new_code(Behaviour.SLOW_SUCCESS))))
    worker.start()
    time.sleep(0.3)
    busy = second.pay("R-2", "8.00", code=new_code())
    worker.join(30)
    assert result_of(busy, "PaymentResponse") == "Busy"
    assert result_of(box["answer"], "PaymentResponse") == "Success"
    assert [c["net_fen"] for c in sim.ledger.charges()] == [700]
    assert result_of(second.status(transaction_id="R-2"),
                     "TransactionStatusResponse") == "NotFound"
    first.close(), second.close()


def test_a_pos_that_hangs_up_mid_payment_recovers_by_status(terminal, sim):
    impatient = pos_client(terminal, "LANE3", timeout_s=0.3)
    with pytest.raises(TerminalApiError):
        impatient.pay("H-1", "9.00", code=new_code(Behaviour.SLOW_SUCCESS))
    impatient.close()
    with pos_client(terminal, "LANE3") as pos:
        deadline = time.monotonic() + 20
        while True:
            status = pos.status(transaction_id="H-1")
            if result_of(status, "TransactionStatusResponse") != "InProgress":
                break
            assert time.monotonic() < deadline
            time.sleep(0.2)
    inner = status["SaleToPOIResponse"]["TransactionStatusResponse"][
        "RepeatedMessageResponse"]["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert inner["Response"]["Result"] == "Success"
    assert inner["PaymentResult"]["AmountsResp"]["AuthorizedAmount"] == Decimal("9.00")
    assert len(sim.ledger.charges()) == 1


def test_the_same_transaction_id_for_another_amount_is_not_allowed(pos, sim):
    pos.pay("D-1", "1.00", code=new_code())
    other = pos.pay("D-1", "2.00", code=new_code())
    assert result_of(other, "PaymentResponse") == "NotAllowed"
    assert len(sim.ledger.charges()) == 1


def test_every_request_and_answer_is_journaled_with_the_code_masked(pos, tmp_path):
    code = new_code()
    pos.pay("J-1", "1.00", code=code, service_id="JSVC")
    store = PosApiStore.open(tmp_path / "terminal" / "payterm.db")
    try:
        logged = store.messages("POS1", "JSVC")
    finally:
        store.close()
    assert [m["direction"] for m in logged] == ["request", "response"]
    assert code not in logged[0]["body"] and code[-4:] in logged[0]["body"]
