"""Step-up: the member types the last 4 digits of the enrolled phone number."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.keypad import BACKSPACE, CLEAR, Keypad

MAX_TRIES = 3


class StepUpScreen(Screen):
    name = "stepup"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount_fen = 0
        self.match = None
        self.digits = ""
        self.tries_left = MAX_TRIES
        self.prompt = label("stepup_prompt", "title")
        self.dots = label("stepup_digits", "amount")
        self.feedback = label("stepup_feedback", "hint")
        self.keypad = Keypad(with_dot=False)
        self.keypad.key_pressed.connect(self.press)
        self.code_button = button("stepup_code_instead", "alt")
        self.code_button.clicked.connect(
            lambda: shell.go("scan", amount_fen=self.amount_fen))
        self.cancel_button = button("stepup_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.dots)
        layout.addWidget(self.feedback)
        layout.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(self.code_button, 2)
        layout.addLayout(row)

    def entered(self, amount_fen: int = 0, match=None, **params) -> None:
        self.amount_fen, self.match = amount_fen, match
        self.digits = ""
        self.tries_left = MAX_TRIES
        self.feedback.clear()
        self.retranslate()

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.digits = self.digits[:-1]
        elif key == CLEAR:
            self.digits = ""
        elif key.isdigit() and len(self.digits) < 4:
            self.digits += key
        self._show_dots()
        if len(self.digits) == 4:
            self._check()

    def _check(self) -> None:
        ok = self.shell.services.face_pay.check_step_up(self.match, self.digits)
        self.digits = ""
        self._show_dots()
        if ok:
            self.shell.go("confirm", amount_fen=self.amount_fen, match=self.match)
            return
        self.tries_left -= 1
        if self.tries_left <= 0:
            self.shell.show_error(self.t("stepup.failed"))
            self.shell.go("scan", amount_fen=self.amount_fen)
            return
        self.feedback.setText(self.t("stepup.wrong", tries=self.tries_left))

    def _show_dots(self) -> None:
        self.dots.setText("●" * len(self.digits) + "○" * (4 - len(self.digits)))

    def retranslate(self) -> None:
        self.prompt.setText(self.t("stepup.prompt", amount=format_amount(self.amount_fen)))
        self.code_button.setText(self.t("face.code_instead"))
        self.cancel_button.setText(self.t("common.cancel"))
        self._show_dots()
