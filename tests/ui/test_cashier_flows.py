"""Cashier screens on fake services: amount entry, each tender, each outcome, refund,
end of day, offline banner, language switch."""

from __future__ import annotations

import pytest

from ui.services.views import Outcome, PaymentOrder, TerminalStatus

pytestmark = pytest.mark.gui


def type_amount(shell, keys: str) -> None:
    shell.screen("sale").keypad.press(keys)


def test_amount_entry_keeps_two_decimals_and_clears(make_shell):
    shell, _ = make_shell()
    sale = shell.screen("sale")
    type_amount(shell, "12.345")
    assert sale.amount.fen() == 1234
    assert sale.amount.text() == "￥12.34"
    sale.keypad.press("⌫")
    assert sale.amount.fen() == 1230
    sale.keypad.press("C")
    assert sale.amount.fen() == 0


def test_tender_without_amount_says_what_to_do(make_shell):
    shell, services = make_shell()
    shell.screen("sale").tender_buttons["wallet"].click()
    assert shell.current().name == "sale"
    assert shell.error_label.isVisible()
    assert "金额" in shell.error_label.text()
    assert services.payments.calls == []


def shown(shell, outcome):
    """Wait for the result screen to show its payment's ``outcome``."""
    return dict(signal=shell.screen("result").payment_shown, timeout=5000,
                check_params_cb=lambda view: view.outcome is outcome)


@pytest.mark.parametrize("script, outcome", [
    ("approved", Outcome.APPROVED),
    ("declined", Outcome.DECLINED),
    ("resolving", Outcome.RESOLVING),
    ("held", Outcome.HELD),
])
def test_code_payment_outcomes(make_shell, qtbot, script, outcome):
    shell, services = make_shell()
    services.payments.code_script = script
    type_amount(shell, "12.34")
    shell.screen("sale").tender_buttons["wallet"].click()
    assert shell.current().name == "scan"
    assert services.camera.purposes == ["code"]
    with qtbot.waitSignal(**shown(shell, outcome)):
        shell.deliver_code("281234567890123456")
    result = shell.screen("result")
    qtbot.waitUntil(lambda: result.view is not None and result.view.outcome is outcome)
    assert services.payments.calls == [("code", 1234, "281234567890123456")]
    assert not services.camera.running
    if outcome is Outcome.APPROVED:
        qtbot.waitUntil(lambda: "RECEIPT" in result.receipt.toPlainText())
        assert result.reprint_button.isVisible()
    if outcome is Outcome.DECLINED:
        assert "余额不足" in result.message.text()
        assert result.other_way_button.isVisible()
    if outcome is Outcome.RESOLVING:
        assert "请勿重复收款" in result.message.text()
    if outcome is Outcome.HELD:
        assert result.outcome_label.text() == "主机应答不一致，已转人工处理"
        assert result.panel.property("role") == "panel-pending"
        assert result.icon.text() == "!"
        assert "请勿重复收款" in result.message.text() and result.done_button.isEnabled()
        assert not result.reprint_button.isVisible()


def test_waiting_for_password_shows_countdown_then_resolving(make_shell, qtbot):
    shell, services = make_shell()
    services.payments.code_script = "waiting"
    type_amount(shell, "66")
    shell.screen("sale").on_code("281234567890123456")
    result = shell.screen("result")
    qtbot.waitUntil(lambda: result.view is not None
                    and result.view.outcome is Outcome.WAITING_PASSWORD)
    assert "30" in result.countdown.text()
    assert result.stop_waiting_button.isVisible()
    result.stop_waiting_button.click()
    qtbot.waitUntil(lambda: result.view.outcome is Outcome.RESOLVING)
    assert not result.stop_waiting_button.isVisible()


def test_scanner_gun_scan_on_sale_screen_pays_at_once(make_shell, qtbot):
    shell, services = make_shell()
    type_amount(shell, "8.8")
    with qtbot.waitSignal(**shown(shell, Outcome.APPROVED)):
        shell.deliver_code("131234567890123456")
    assert services.payments.calls[0][:2] == ("code", 880)


def test_cash_payment_gives_change(make_shell, qtbot):
    shell, services = make_shell()
    type_amount(shell, "12.34")
    shell.screen("sale").tender_buttons["cash"].click()
    cash = shell.screen("cash")
    cash.note_buttons[0].click()           # ￥50
    assert "37.66" in cash.change.text()
    with qtbot.waitSignal(**shown(shell, Outcome.APPROVED)):
        cash.confirm_button.click()
    assert services.payments.calls == [("cash", 1234, 5000)]
    result = shell.screen("result")
    qtbot.waitUntil(lambda: result.view is not None)
    assert "37.66" in result.message.text()


def test_cash_refused_when_not_enough(make_shell):
    shell, services = make_shell()
    type_amount(shell, "60")
    shell.screen("sale").tender_buttons["cash"].click()
    cash = shell.screen("cash")
    cash.note_buttons[0].click()
    cash.confirm_button.click()
    assert shell.current().name == "cash"
    assert services.payments.calls == []


def test_face_tender_from_cashier_goes_to_face_screen(make_shell, qtbot):
    shell, services = make_shell()
    type_amount(shell, "20")
    shell.screen("sale").tender_buttons["member"].click()
    assert shell.current().name == "face"
    qtbot.waitUntil(lambda: shell.current().name == "confirm")
    shell.screen("confirm").confirm_button.click()
    qtbot.waitUntil(lambda: services.payments.calls == [("member", 2000, "M001")])


def test_offline_banner_and_disabled_code_tender(make_shell, qtbot):
    shell, services = make_shell()
    services.payments.offline = True
    services.status.status = TerminalStatus(False, unsynced_count=3, unsynced_fen=4500,
                                            unresolved_count=1)
    with qtbot.waitSignal(shell.bridge.status_changed, timeout=5000):
        services.status.refresh()
    assert shell.banner.isVisible()
    text = shell.banner.text()
    assert "离线" in text and "3" in text and "￥45.00" in text and "1 笔" in text
    sale = shell.screen("sale")
    assert not sale.tender_buttons["wallet"].isEnabled()
    assert sale.tender_reasons["wallet"].text()
    assert sale.tender_buttons["cash"].isEnabled()


@pytest.mark.parametrize("mode", ["cashier", "kiosk"])
def test_held_payments_raise_an_alarm_shoppers_only_see_staff_is_needed(make_shell, qtbot,
                                                                       mode):
    shell, services = make_shell(mode=mode)
    services.status.status = TerminalStatus(True, unresolved_count=1, held_count=2)
    with qtbot.waitSignal(shell.bridge.status_changed, timeout=5000):
        services.status.refresh()
    if mode == "kiosk":
        # Shoppers see a small status dot (a symbol, not colour alone), no banner.
        assert not shell.banner.isVisible() and shell.status_dot.isVisible()
        assert shell.status_dot.state == "staff" and shell.status_dot.text() == "▲"
        assert "主机应答" not in shell.banner.text() or not shell.banner.isVisible()
        return
    assert shell.banner.isVisible() and shell.banner.property("role") == "banner-alarm"
    assert not shell.status_dot.isVisible()
    text = shell.banner.text()
    assert "2 笔主机应答不一致" in text and "1 笔结果确认中" in text
    shell.tr.toggle()
    assert "2 held" in shell.banner.text()


def test_transactions_search_refund_and_reprint(make_shell, qtbot):
    shell, services = make_shell()
    shell.screen("sale").transactions_button.click()
    screen = shell.screen("transactions")
    qtbot.waitUntil(lambda: screen.tables["recent"].rowCount() == 2)
    assert screen.tables["unresolved"].rowCount() == 1
    assert screen.tables["exceptions"].rowCount() == 1
    screen.search.setText("T0001")
    screen.search_button.click()
    qtbot.waitUntil(lambda: screen.tables["recent"].rowCount() == 1)
    screen.tables["recent"].selectRow(0)
    assert screen.refund_amount.fen() == 1234
    screen.refund_button.click()            # first a red confirmation naming the amount
    assert services.transactions.refunds == []
    assert screen.confirm_refund_button.isVisible()
    assert "￥12.34" in screen.confirm_refund_button.text()
    assert screen.confirm_refund_button.property("role") == "danger"
    with qtbot.waitSignal(shell.bridge.refund_finished, timeout=5000):
        screen.confirm_refund_button.click()
    assert services.transactions.refunds == [("T0001", 1234)]
    assert screen.tables["recent"].item(0, 3).text() == "支付宝"
    assert screen.tables["recent"].item(0, 5).text() == "成功"
    qtbot.waitUntil(lambda: "退款成功" in screen.message.text())
    screen.reprint_button.click()
    qtbot.waitUntil(lambda: "REPRINT" in screen.receipt.toPlainText())
    assert services.printing.printed[-1] == ("T0001", True)


def test_refund_of_unsynced_sale_is_refused_with_reason(make_shell, qtbot):
    shell, services = make_shell()
    shell.go("transactions")
    screen = shell.screen("transactions")
    qtbot.waitUntil(lambda: screen.tables["recent"].rowCount() == 2)
    screen.tables["recent"].selectRow(1)         # T0002 is offline, not yet synced
    screen.refund_button.click()
    assert services.transactions.refunds == []
    assert "尚未上传" in screen.message.text()


def test_end_of_day_closed_and_blocked(make_shell, qtbot):
    shell, services = make_shell()
    shell.go("eod")
    screen = shell.screen("eod")
    with qtbot.waitSignal(shell.bridge.end_of_day_finished, timeout=5000):
        screen.close_button.click()
    assert "Z-REPORT" in screen.report.toPlainText()
    assert screen.headline.text() == "日结完成"
    services.end_of_day.blockers = ("2 笔结果待确认 / 2 payments still being resolved",)
    with qtbot.waitSignal(shell.bridge.end_of_day_finished, timeout=5000):
        screen.close_button.click()
    assert screen.headline.text() == "暂不能日结"
    assert "2 笔结果待确认" in screen.report.toPlainText()


def test_language_switch_at_run_time(make_shell):
    shell, _ = make_shell()
    sale = shell.screen("sale")
    assert sale.tender_buttons["wallet"].text() == "付款码"
    shell.language_button.click()
    assert sale.tender_buttons["wallet"].text() == "Payment code"
    assert shell.title.text() == "Checkout"
    shell.show_error("余额不足 / Insufficient balance")
    assert shell.error_label.text() == "Insufficient balance"
    shell.language_button.click()
    assert shell.title.text() == "收银台"


def test_worker_failure_is_a_sentence_and_result_screen_offers_another_way(make_shell, qtbot):
    shell, services = make_shell()
    services.payments.code_script = "storage_error"
    type_amount(shell, "5")
    with qtbot.waitSignal(**shown(shell, Outcome.DECLINED)):
        shell.deliver_code("281234567890123456")
    result = shell.screen("result")
    assert result.view.outcome is Outcome.DECLINED
    assert "数据库已满" in result.message.text()
    assert result.other_way_button.isVisible()
    assert "Traceback" not in shell.error_label.text()
    result.other_way_button.click()
    assert shell.current().name == "sale" and shell.screen("sale").amount.fen() == 500


def test_result_screen_shows_only_the_payment_it_started(make_shell, qtbot):
    shell, services = make_shell()
    services.payments.code_script = "waiting"
    type_amount(shell, "1")
    shell.deliver_code("281234567890123456")
    result = shell.screen("result")
    first = result.request_id
    qtbot.waitUntil(lambda: result.view is not None
                    and result.view.outcome is Outcome.WAITING_PASSWORD)
    # Another payment starts on the same screen; the first one's late reports (it is
    # still waiting, then resolving) must never be shown as the second's outcome.
    services.payments.code_script = "approved"
    shell.go("result", order=PaymentOrder.with_code(200, "281234567890123457"))
    assert result.request_id != first
    qtbot.waitUntil(lambda: result.view is not None and result.view.outcome is Outcome.APPROVED)
    services.payments.stop_waiting()      # the first payment now reports "resolving"
    qtbot.wait(300)
    assert result.view.outcome is Outcome.APPROVED and result.view.amount_fen == 200
    assert result.view.request_id == result.request_id


def test_a_host_reason_containing_the_separator_is_shown_whole(make_shell, qtbot):
    shell, services = make_shell()
    services.payments.code_script = "declined_host_words"
    shell.language_button.click()                        # English
    type_amount(shell, "3")
    with qtbot.waitSignal(**shown(shell, Outcome.DECLINED)):
        shell.deliver_code("281234567890123456")
    text = shell.screen("result").message.text()
    assert text.startswith("Payment declined: 余额不足 / insufficient funds (51)")


def test_typing_or_scanning_on_the_result_starts_the_next_sale(make_shell, qtbot):
    from PySide6.QtCore import Qt
    shell, services = make_shell()
    type_amount(shell, "8.8")
    with qtbot.waitSignal(**shown(shell, Outcome.APPROVED)):
        shell.deliver_code("131234567890123456")
    qtbot.keyClick(shell.screen("result"), Qt.Key.Key_5)
    assert shell.current().name == "sale" and shell.screen("sale").amount.fen() == 500
    with qtbot.waitSignal(**shown(shell, Outcome.APPROVED)):
        shell.deliver_code("131234567890123457")      # the gun pays the typed amount
    assert services.payments.calls[-1][:2] == ("code", 500)
    shell.deliver_code("131234567890123458")          # on the result: next sale, no amount
    assert shell.current().name == "sale" and "金额" in shell.error_label.text()
    assert len(services.payments.calls) == 2


def test_a_disabled_tender_says_so_inside_and_why_below(make_shell):
    shell, services = make_shell()
    services.payments.offline = True
    shell.go("sale")
    sale = shell.screen("sale")
    assert sale.tender_buttons["wallet"].text() == "付款码 · 暂不可用"
    assert not sale.collect_button.isEnabled()
    assert "离线" in sale.tender_reasons["wallet"].text()
