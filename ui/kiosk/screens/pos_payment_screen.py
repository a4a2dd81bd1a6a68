"""A payment the store's POS started: its amount, big, no keypad; the customer shows a
payment code to the camera or the scanner; progress and the outcome come from the
Terminal API; then back to the idle screen."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label, set_role
from ui.kiosk.widgets.camera_view import CameraView
from ui.voice import amount_words

TITLE = "收银台发起的付款 / Payment from the checkout"
PROMPT = "请出示付款码，对准摄像头或扫码枪 / Show your payment code to the camera or scanner"
STEPS = {"SendingToHost": "正在支付… / Paying…",
         "WaitingForPassword": "请在手机上输入密码 / Enter the password on your phone",
         "ConfirmingResult": "结果确认中，请稍候 / Confirming the result, please wait"}
APPROVED = "支付成功 / Payment approved"
NOT_PAID = "未付款 / Not paid"
CANCELLED = "已取消，未扣款 / Cancelled, nothing was charged"


class PosPaymentScreen(Screen):
    name = "pos_payment"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.link = None
        self.sale: dict = {}
        self.busy = False
        self.title_label = label("pos_title", "title")
        self.amount_label = label("pos_amount", "amount")
        self.prompt = label("pos_prompt", "title")
        self.status = label("pos_status", "hint")
        self.camera_view = CameraView()
        self.camera_view.setObjectName("pos_camera")
        self.cancel_button = button("pos_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.amount_label)
        layout.addWidget(self.prompt)
        layout.addWidget(self.camera_view, 1)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self._home_timer = QTimer(self)
        self._home_timer.setSingleShot(True)
        self._home_timer.timeout.connect(shell.go_home)
        shell.bridge.frame_captured.connect(self._on_frame)
        self.retranslate()

    def entered(self, sale: dict | None = None, link=None, **params) -> None:
        self.sale, self.link, self.busy = sale or {}, link, True
        self._home_timer.stop()
        self.amount_label.setText(format_amount(self.sale.get("amount_fen", 0)))
        set_role(self.prompt, "title")
        self.prompt.setText(self.shell.tr.pick(PROMPT))
        self.camera_view.show()
        self.status.setText("")
        self.cancel_button.setEnabled(True)
        self.camera_view.clear()
        camera = self.shell.services.camera.capability()
        if camera.available:
            self.shell.services.camera.start("code")
        else:
            self.camera_view.set_message(self.shell.tr.pick(camera.reason))

    def left(self) -> None:
        self.shell.services.camera.stop()
        self._home_timer.stop()
        if self.busy and self.link is not None:
            self.link.cancel()          # leaving while it waits: the customer did not pay
        self.busy = False

    def _on_frame(self, frame) -> None:
        if self.shell.current() is self:
            self.camera_view.show_frame(frame)

    def on_code(self, text: str) -> None:
        if self.link is not None and self.link.provide(text):
            self.shell.services.camera.stop()
            self.cancel_button.setEnabled(False)
            self.prompt.setText(self.shell.tr.pick(STEPS["SendingToHost"]))

    def cancel(self) -> None:
        if self.link is not None and self.link.waiting:
            self.link.cancel()

    def on_progress(self, event: dict) -> None:
        if event.get("TransactionID") != self.sale.get("transaction_id"):
            return
        name = event.get("Event", "")
        if name in STEPS:
            self.status.setText(self.shell.tr.pick(STEPS[name]))
        if name != "Finished":
            return
        self.busy = False
        self.shell.services.camera.stop()
        self.cancel_button.setEnabled(False)
        state = event.get("State", "")
        approved = state == "approved"
        self.prompt.setText(self.shell.tr.pick(APPROVED if approved else
                                               CANCELLED if state == "refused" else NOT_PAID))
        set_role(self.prompt, "outcome-approved" if approved else "outcome-declined")
        self.camera_view.hide()
        self.status.setText(self.shell.tr.pick(event.get("Message", "")))
        if approved:
            self.shell.voice.say(f"支付成功 {amount_words(self.sale.get('amount_fen', 0))}")
        self._home_timer.start(int(self.shell.result_timeout_s() * 1000))

    def retranslate(self) -> None:
        self.title_label.setText(self.shell.tr.pick(TITLE))
        self.prompt.setText(self.shell.tr.pick(PROMPT))
        self.cancel_button.setText(self.t("common.cancel"))
