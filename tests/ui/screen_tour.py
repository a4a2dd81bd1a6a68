"""Every screen in its states, reached as a user would (through ``Shell.go``) with the
service answers the screen reacts to: the panel tests and the screenshot tour use it.

A state is (name, who, action): ``who`` is "shopper" (a self-service kiosk screen) or
"staff" (cashier, technician, enrolment behind the PIN)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from terminal.bilingual import Bilingual
from ui.services.views import (FaceMatch, FaceProgress, Outcome, PaymentView, PreviewFrame,
                               TerminalStatus)

BUSY_STATUS = TerminalStatus(False, unsynced_count=2, unsynced_fen=3468, unresolved_count=1,
                             exception_count=1, held_count=1)
MATCH = FaceMatch("M0001", "*明 138****0100", step_up=False, phone_last4="0100")


@dataclass(frozen=True)
class State:
    name: str
    mode: str           # "cashier" | "kiosk"
    who: str            # "shopper" | "staff"
    show: Callable      # show(shell) puts the window in this state


def payment(outcome: Outcome, tender: str = "wallet", **kw) -> Callable:
    messages = {Outcome.APPROVED: "支付成功 ￥18.80 / Payment approved ￥18.80",
                Outcome.DECLINED: Bilingual("支付失败：余额不足，请换一张卡或其他方式"
                                            "",
                                            "Payment declined: insufficient balance, "
                                            "please use another card or way to pay"),
                Outcome.WAITING_PASSWORD: "等待顾客输入密码 / Waiting for the password",
                Outcome.RESOLVING: "结果确认中，请勿重复收款 / Confirming, do not "
                                   "charge again",
                Outcome.HELD: "主机应答不一致 / Host answers inconsistent",
                Outcome.IN_PROGRESS: "处理中 / Processing"}

    def show(shell) -> None:
        shell.go("result")
        result = shell.screen("result")
        result.request_id = "tour"
        result._on_payment(PaymentView("T20261201000123", 1880, tender, outcome,
                                       Bilingual.of(messages[outcome]), request_id="tour",
                                       wait_s_left=30, payer="28******1234", **kw))
    return show


def astronaut_frame() -> PreviewFrame:
    """The demo's customer (scikit-image's astronaut) as the camera worker sends it."""
    from skimage import data
    from ui.services.camera_service import to_qimage
    import cv2
    image, scale = to_qimage(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    return PreviewFrame(image, face_box=(165 * scale, 40 * scale, 265 * scale, 170 * scale))


def face(event: str) -> Callable:
    def show(shell) -> None:
        shell.services.face_pay.script = "still"
        shell.go("face", amount_fen=1880)
        screen = shell.screen("face")
        screen._on_frame(astronaut_frame())
        if event == "guidance":
            screen._on_progress(FaceProgress("looking", "请靠近一点 / Please come closer"))
        elif event == "challenge":
            screen._on_progress(FaceProgress("challenge", "", "turn_left"))
        elif event == "failed":
            screen._on_failed("刷脸未通过 / Face-pay not possible")
    return show


def went(name: str, **params) -> Callable:
    return lambda shell: shell.go(name, **params)


def typed(name: str, keys: str) -> Callable:
    def show(shell) -> None:
        shell.go(name)
        shell.screen(name).keypad.press(keys)
    return show


def technician(tab: int) -> Callable:
    def show(shell) -> None:
        shell.go("technician")
        shell.screen("technician").tabs.setCurrentIndex(tab)
    return show


def enrol_consent(shell) -> None:
    shell.go("enrol")
    screen = shell.screen("enrol")
    screen.member_id.setText("M0042")
    screen.phone.setText("13800004321")
    screen.next_button.click()


def enrol_capture(shell) -> None:
    shell.go("enrol")
    screen = shell.screen("enrol")
    screen.steps.setCurrentIndex(2)
    screen.capture_message.setText("请靠近一点 Please come closer")


def transactions(shell) -> None:
    shell.go("transactions")
    shell.services.transactions.load()


def eod(shell) -> None:
    shell.go("eod")
    shell.screen("eod").close_day()


def pos_sale(event: str = "", state: str = "", message: str = "") -> Callable:
    """The screen a POS-started payment takes over (issue 13), at a step of its run."""
    def show(shell) -> None:
        sale = {"sale_id": "LANE-01", "transaction_id": "TOUR-1", "amount_fen": 4999999}
        shell.go("pos_payment", sale=sale, link=None)
        if event:
            shell.screen("pos_payment").on_progress({
                "TransactionID": "TOUR-1", "Event": event, "State": state,
                "Message": message})
    return show


def stepup_wrong(shell) -> None:
    shell.go("stepup", amount_fen=5_000_000, match=MATCH)
    shell.screen("stepup").keypad.press("1111")       # not 0100: "wrong, 2 tries left"


def presented(shell) -> None:
    shell.go("attract")
    shell.screen("attract").present_amount(1880)


SHOPPER_STATES = [
    State("attract", "kiosk", "shopper", went("attract")),
    State("attract_amount", "kiosk", "shopper", presented),
    State("face", "kiosk", "shopper", face("")),
    State("face_guidance", "kiosk", "shopper", face("guidance")),
    State("face_challenge", "kiosk", "shopper", face("challenge")),
    State("face_failed", "kiosk", "shopper", face("failed")),
    State("scan", "kiosk", "shopper", went("scan", amount_fen=1880)),
    State("pos_payment", "kiosk", "shopper", pos_sale()),
    State("pos_payment_password", "kiosk", "shopper", pos_sale("WaitingForPassword")),
    State("pos_payment_approved", "kiosk", "shopper", pos_sale(
        "Finished", "approved", "支付成功 ￥49999.99 / Payment approved ￥49999.99")),
    State("pos_payment_declined", "kiosk", "shopper", pos_sale(
        "Finished", "declined", "支付失败：余额不足，请换一张卡或其他方式 / Payment "
        "declined: insufficient balance, please use another card or way to pay")),
    State("stepup", "kiosk", "shopper", went("stepup", amount_fen=60000, match=MATCH)),
    State("stepup_wrong", "kiosk", "shopper", stepup_wrong),
    State("confirm", "kiosk", "shopper", lambda shell: shell.go(
        "confirm", amount_fen=1880, match=MATCH, thumbnail=astronaut_frame())),
] + [State(f"result_{o.value}", "kiosk", "shopper", payment(o)) for o in Outcome]

STAFF_STATES = [
    State("sale", "cashier", "staff", typed("sale", "1234.56")),
    State("cash", "cashier", "staff", went("cash", amount_fen=1880)),
    State("scan_cashier", "cashier", "staff", went("scan", amount_fen=1880)),
    State("transactions", "cashier", "staff", transactions),
    State("eod", "cashier", "staff", eod),
    State("pin", "kiosk", "staff", went("pin", next="technician")),
    State("technician_settings", "kiosk", "staff", technician(0)),
    State("technician_selftest", "kiosk", "staff", technician(2)),
    State("enrol", "kiosk", "staff", went("enrol")),
    State("enrol_consent", "kiosk", "shopper", enrol_consent),
    State("enrol_capture", "kiosk", "staff", enrol_capture),
] + [State(f"cashier_result_{o.value}", "cashier", "staff", payment(o)) for o in Outcome] + [
    State("cashier_result_cash", "cashier", "staff",
          payment(Outcome.APPROVED, tender="cash", change_fen=12000, offline=True))]

ALL_STATES = SHOPPER_STATES + STAFF_STATES
