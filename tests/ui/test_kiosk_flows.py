"""Self-service kiosk screens: attract, face-pay, step-up, confirmation, the payment-code
path at every step, timeouts, elder mode, enrolment behind the staff PIN."""

from __future__ import annotations

import pytest

from ui.services.views import Outcome

pytestmark = pytest.mark.gui


def start_face(shell, amount: str = "18.8"):
    """The till sends the amount; the shopper taps face-pay."""
    attract = shell.screen("attract")
    attract.present_amount(round(float(amount) * 100))
    assert attract.face_button.isVisible() and not attract.keypad.isVisible()
    attract.face_button.click()


def test_face_pay_happy_path(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    assert shell.current().name == "attract"
    start_face(shell)
    face = shell.screen("face")
    assert services.face_pay.started == [1880]
    assert services.camera.purposes == ["face"]
    assert face.code_button.isVisible()
    qtbot.waitUntil(lambda: shell.current().name == "confirm")
    confirm = shell.screen("confirm")
    assert "***001" in confirm.member.text()
    assert confirm.code_button.isVisible()
    with qtbot.waitSignal(shell.screen("result").payment_shown, timeout=5000,
                          check_params_cb=lambda view: view.outcome is Outcome.APPROVED):
        confirm.confirm_button.click()
    assert services.payments.calls == [("member", 1880, "M001")]


def test_liveness_prompt_is_shown(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    services.face_pay.script = "wait"
    start_face(shell)
    face = shell.screen("face")
    qtbot.waitUntil(lambda: face.guidance.text() == "请眨眨眼")
    assert face.prompt is face.guidance                 # the changing prompt is the headline
    assert "请眨眨眼" in shell.voice.announced             # and it is spoken
    assert "秒" in face.countdown.text() and 0 < face.camera_view.progress <= 1


def test_step_up_wrong_then_right(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    services.face_pay.script = "step_up"
    start_face(shell, "600")
    qtbot.waitUntil(lambda: shell.current().name == "stepup")
    stepup = shell.screen("stepup")
    assert "600.00" in stepup.amount_label.text() and "手机号后四位" in stepup.prompt.text()
    stepup.keypad.press("1111")
    assert "2" in stepup.prompt.text() and stepup.prompt.text() in shell.voice.announced
    assert shell.current().name == "stepup"
    stepup.keypad.press("5")
    assert "手机号后四位" in stepup.prompt.text()        # typing again: the prompt is back
    stepup.keypad.press("678")
    assert shell.current().name == "confirm"


def test_step_up_failures_send_customer_to_payment_code(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    services.face_pay.script = "step_up"
    start_face(shell)
    qtbot.waitUntil(lambda: shell.current().name == "stepup")
    shell.screen("stepup").keypad.press("000000000000")
    assert shell.current().name == "scan"
    assert services.payments.calls == []


def test_face_failure_offers_other_ways(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    services.face_pay.script = "fail"
    start_face(shell)
    face = shell.screen("face")
    qtbot.waitUntil(lambda: face.retry_button.isVisible())
    assert face.prompt.text() == "刷脸未通过"
    assert "付款码" in face.camera_view.message          # the circle says what to do now
    assert not services.camera.running                  # no picture left frozen
    assert face.code_button.isVisible()
    face.code_button.click()
    assert shell.current().name == "scan"
    assert services.face_pay.cancelled >= 1


def test_face_unavailable_goes_straight_to_code(make_shell):
    shell, services = make_shell(mode="kiosk")
    services.face_pay.available = False
    start_face(shell)
    assert shell.current().name == "scan"
    assert "刷脸模型未加载" in shell.error_label.text()


def test_canteen_items_start_face_pay_with_their_price(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk", kiosk={
        "fixed_price_items": ["米饭套餐 Rice set:1200", "面条 Noodles:1500"]})
    attract = shell.screen("attract")
    assert len(attract.item_buttons) == 2
    assert "￥15.00" in attract.item_buttons[1].text()
    attract.item_buttons[1].click()
    assert services.face_pay.started == [1500]


def test_idle_timeout_returns_to_attract(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk", kiosk={"idle_timeout_s": 5})
    services.face_pay.script = "wait"
    start_face(shell)
    assert shell.current().name == "face"
    shell._idle.setInterval(50)   # the timer itself, shortened: the path is the same
    shell._idle.start()
    qtbot.waitUntil(lambda: shell.current().name == "attract", timeout=3000)
    assert services.face_pay.cancelled >= 1


def test_result_screen_returns_home_by_itself(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk", kiosk={"result_screen_s": 1})
    shell.screen("attract").present_amount(500)
    shell.screen("attract").on_code("281234567890123456")
    qtbot.waitUntil(lambda: shell.current().name == "attract", timeout=5000)


def test_elder_mode_uses_large_type_and_longer_timeouts(make_shell):
    shell, _ = make_shell(mode="kiosk")
    normal_idle = shell.idle_timeout_s()
    shell.screen("attract").elder_button.click()
    assert shell.elder
    assert "font-size: 30px" in shell.styleSheet()
    assert shell.idle_timeout_s() > normal_idle
    assert shell.result_timeout_s() > 6
    assert shell.screen("attract").elder_button.text() == "标准模式"


def test_voice_announces_the_amount(make_shell, qtbot):
    shell, _ = make_shell(mode="kiosk")
    shell.screen("attract").present_amount(1234)
    shell.screen("attract").on_code("281234567890123456")
    qtbot.waitUntil(lambda: "支付成功 12.34 元" in shell.voice.announced)


def test_enrolment_needs_pin_and_consent(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    shell.pin.set_pin("246810")
    assert not shell.technician_button.isVisible()      # no staff button for shoppers
    shell.staff_entry.trigger()                         # holding the title (top left)
    assert shell.current().name == "pin"
    pin = shell.screen("pin")
    pin.keypad.press("246810")
    pin.ok_button.click()
    assert shell.current().name == "technician"
    shell.screen("technician").enrol_button.click()
    assert shell.current().name == "enrol"
    enrol = shell.screen("enrol")
    assert "同意" in enrol.consent_body.text()
    assert "consent" not in enrol.consent_body.text()   # the member's language only
    enrol.keyboard.type_key("M")                    # the on-screen keyboard types
    for key in "0042":
        enrol.keyboard.type_key(key)
    assert enrol.member_id.text() == "M0042"
    enrol.phone.setText("13800004321")
    enrol.member_name.setText("王小明")
    enrol.next_button.click()
    assert enrol.steps.currentIndex() == 1            # the member's own consent page
    assert services.enrolment.enrolled == []
    assert "138****4321" in enrol.consent_who.text()
    shell.tr.set_language("en")
    assert enrol.consent_body.text().startswith("I separately consent")
    shell.tr.set_language("zh")
    enrol.decline_button.click()                      # no consent: nothing captured
    assert services.enrolment.enrolled == [] and enrol.steps.currentIndex() == 0
    assert "未同意" in enrol.form_message.text()
    enrol.next_button.click()
    with qtbot.waitSignal(shell.bridge.enrolment_finished, timeout=5000):
        enrol.agree_button.click()
    assert services.enrolment.enrolled == [("M0042", "13800004321", "王小明")]
    qtbot.waitUntil(lambda: "录入成功" in enrol.capture_message.text())


def test_kiosk_window_cannot_be_closed_without_technician(make_shell):
    shell, _ = make_shell(mode="kiosk")
    shell.close()
    assert shell.isVisible()
    shell.allow_exit()
    shell.close()
    assert not shell.isVisible()


def test_every_shopper_prompt_is_spoken(make_shell, qtbot):
    """Elder-friendly: what the shopper must do next is also said aloud."""
    shell, services = make_shell(mode="kiosk")
    shell.set_elder(True)
    start_face(shell, "18.8")
    qtbot.waitUntil(lambda: shell.current().name == "confirm")
    with qtbot.waitSignal(shell.screen("result").payment_shown, timeout=5000,
                          check_params_cb=lambda view: view.outcome is Outcome.APPROVED):
        shell.screen("confirm").confirm_button.click()
    said = shell.voice.announced
    assert said[0] == "应付 18.80 元，请选择支付方式"
    assert "请眨眨眼" in said and "请确认支付 18.80 元" in said
    assert "支付成功 18.80 元" in said
