"""The line-framed variant over a real pseudo-terminal: the same JSON messages, one per
line, answered in order; an overlong line is refused and skipped."""

from __future__ import annotations

import json
import os
import select
import time
import tty

import pytest

from tests.e2e.terminal_api.conftest import TERMINAL_ID, new_code


@pytest.fixture
def pty_pair():
    main, secondary = os.openpty()
    tty.setraw(main)
    tty.setraw(secondary)
    yield main, os.ttyname(secondary)
    os.close(main)
    os.close(secondary)


def read_line(fd: int, timeout_s: float = 20) -> dict:
    data = b""
    deadline = time.monotonic() + timeout_s
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no answer line (got {data!r})"
        data += os.read(fd, 65536)
    return json.loads(data)


def request(category: str, body: dict, service_id: str) -> bytes:
    header = {"ProtocolVersion": "3.0", "MessageClass": "Service", "MessageCategory": category,
              "MessageType": "Request", "ServiceID": service_id, "SaleID": "RS232",
              "POIID": TERMINAL_ID}
    return json.dumps({"SaleToPOIRequest": {"MessageHeader": header,
                                            f"{category}Request": body}}).encode() + b"\n"


def test_payments_and_status_over_a_serial_line(tmp_path, keys_dir, sim, pty_pair):
    from ui.composition.context import build_context
    from ui.composition.terminal_api import start_terminal_api
    from tests.e2e.terminal_api.conftest import prepare_terminal
    main, port = pty_pair
    data = tmp_path / "terminal"
    config = prepare_terminal(data, keys_dir, sim.url,
                              extra=f'serial_port = "{port}"\nserial_baud = 115200')
    ctx = build_context(str(data), str(config), env={}, with_logging=False)
    try:
        start_terminal_api(ctx)
        pay = {"SaleData": {"SaleTransactionID": {"TransactionID": "RS-1",
                                                  "TimeStamp": "2026-12-01T10:00:00Z"}},
               "PaymentTransaction": {"AmountsReq": {"Currency": "CNY",
                                                     "RequestedAmount": 4.56}},
               "PaymentData": {"PaymentCode": new_code()}}
        os.write(main, request("Payment", pay, "S1"))
        answer = read_line(main)["SaleToPOIResponse"]
        assert answer["MessageHeader"]["ServiceID"] == "S1"
        assert answer["PaymentResponse"]["Response"]["Result"] == "Success"
        os.write(main, b"x" * 70_000 + b"\n")
        refused = read_line(main)["SaleToPOIResponse"]["ErrorResponse"]["Response"]
        assert refused["ErrorCondition"] == "MessageFormat"
        os.write(main, request("TransactionStatus", {"MessageReference": {
            "SaleID": "RS232", "ServiceID": "S1"}}, "S2"))
        status = read_line(main)["SaleToPOIResponse"]["TransactionStatusResponse"]
        assert status["Response"]["Result"] == "Success"
        assert len(sim.ledger.charges()) == 1
    finally:
        ctx.close()
