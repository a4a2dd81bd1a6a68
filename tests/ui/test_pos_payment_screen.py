"""The kiosk when the store's POS starts a payment (issue 13): the POS's amount takes
over the screen, big, with no keypad; the customer's code (here from the scanner gun)
pays it through the real Terminal API and host simulator; the outcome shows and the
kiosk returns to its idle screen. Also: the customer cancels, the POS aborts."""

from __future__ import annotations

import threading

import pytest

from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from drivers.pos_api.client import TerminalApiClient, result_of
from tests.e2e.terminal_api.conftest import TERMINAL_ID, new_code, prepare_terminal
from ui.composition.context import build_context
from ui.composition.kiosk_app import serve_pos_api
from ui.kiosk.widgets.keypad import Keypad

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk_and_api(make_shell, tmp_path, keys_dir):
    with start_simulator(tmp_path / "host.db", keys_dir,
                         SimulatorConfig(password_delay_s=0.5)) as sim:
        data = tmp_path / "terminal"
        config = prepare_terminal(data, keys_dir, sim.url)
        ctx = build_context(str(data), str(config), env={}, with_logging=False)
        shell, services = make_shell("kiosk", kiosk={"result_screen_s": 1.0})
        running = serve_pos_api(ctx, shell, services)
        creds = running.credentials
        pos = TerminalApiClient(creds.url, creds.key, tls_sha256=creds.tls_sha256,
                                sale_id="LANE1", poi_id=TERMINAL_ID)
        try:
            yield shell, pos, sim, running
        finally:
            pos.close()
            ctx.close()


@pytest.fixture
def kiosk_with_api(kiosk_and_api):
    shell, pos, sim, _running = kiosk_and_api
    return shell, pos, sim


def pay_in_background(pos, txn: str, amount: str) -> dict:
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(answer=pos.pay(txn, amount,
                                                                         wait_s=30)))
    thread.start()
    box["thread"] = thread
    return box


def test_a_pos_payment_takes_over_the_screen_and_returns_home(kiosk_with_api, qtbot,
                                                                tmp_path):
    shell, pos, sim = kiosk_with_api
    assert shell.current().name == "attract"
    box = pay_in_background(pos, "K-1", "12.34")
    qtbot.waitUntil(lambda: shell.current().name == "pos_payment", timeout=10_000)
    screen = shell.current()
    assert screen.amount_label.text() == "￥12.34"
    assert not screen.findChildren(Keypad)       # the POS's amount, no keypad
    assert shell.grab().save(str(tmp_path / "pos_payment_waiting.png"))
    shell.deliver_code(new_code())              # the customer's code at the scanner gun
    qtbot.waitUntil(lambda: "answer" in box, timeout=15_000)
    assert result_of(box["answer"], "PaymentResponse") == "Success"
    qtbot.waitUntil(lambda: "支付成功" in screen.prompt.text(), timeout=5_000)
    assert shell.grab().save(str(tmp_path / "pos_payment_approved.png"))
    qtbot.waitUntil(lambda: shell.current().name == "attract", timeout=5_000)
    assert len(sim.ledger.charges()) == 1


def test_the_customer_cancels_and_nothing_is_charged(kiosk_with_api, qtbot):
    shell, pos, sim = kiosk_with_api
    box = pay_in_background(pos, "K-2", "5.00")
    qtbot.waitUntil(lambda: shell.current().name == "pos_payment", timeout=10_000)
    shell.current().cancel_button.click()
    qtbot.waitUntil(lambda: "answer" in box, timeout=10_000)
    assert result_of(box["answer"], "PaymentResponse") == "Cancel"
    qtbot.waitUntil(lambda: shell.current().name == "attract", timeout=5_000)
    assert sim.ledger.trades() == []


def test_the_pos_aborts_while_the_customer_looks_for_the_code(kiosk_with_api, qtbot):
    shell, pos, sim = kiosk_with_api
    box = pay_in_background(pos, "K-3", "6.00")
    qtbot.waitUntil(lambda: shell.current().name == "pos_payment", timeout=10_000)
    assert result_of(pos.abort(transaction_id="K-3"), "AbortResponse") == "Success"
    qtbot.waitUntil(lambda: "answer" in box, timeout=10_000)
    assert result_of(box["answer"], "PaymentResponse") == "Aborted"
    qtbot.waitUntil(lambda: shell.current().name == "attract", timeout=5_000)
    shell.deliver_code(new_code())              # a late code pays nothing
    assert sim.ledger.trades() == []


def test_a_pos_payment_while_the_cashier_takes_one_is_busy(kiosk_with_api, qtbot):
    shell, pos, sim = kiosk_with_api
    shell.go("result")                           # a cashier's payment in flight (no view yet)
    assert shell.current().busy
    box = pay_in_background(pos, "K-4", "2.00")
    qtbot.waitUntil(lambda: "answer" in box, timeout=10_000)
    assert result_of(box["answer"], "PaymentResponse") == "Busy"
    assert shell.current().name == "result"
    assert sim.ledger.trades() == []


def test_the_technician_screen_shows_the_api_url_and_fingerprint_never_the_key(
        kiosk_and_api):
    shell, _pos, _sim, running = kiosk_and_api
    creds = running.credentials
    shell.go("technician")
    shown = shell.screen("technician").pos_api_text.text()
    assert creds.url in shown and creds.tls_sha256 in shown
    assert creds.key not in shown
