"""Step-up: the member types the last 4 digits of the enrolled phone number, under the
amount (centred, large) on a phone pad (1-2-3 on top)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import button, label, set_role
from ui.kiosk.screens.digits_screen import DigitsScreen

MAX_TRIES = 3


class StepUpScreen(DigitsScreen):
    name = "stepup"

    max_digits = 4
    fixed_length = True

    def __init__(self, shell) -> None:
        action = button("stepup_code_instead", "alt")
        super().__init__(shell, prefix="stepup", action=action)
        self.code_button = action
        self.amount_fen = 0
        self.match = None
        self.thumbnail = None
        self.tries_left = MAX_TRIES
        self.code_button.clicked.connect(
            lambda: shell.go("scan", amount_fen=self.amount_fen))
        # The amount on top, then the prompt with its four places on one line.
        self.amount_label = label("stepup_amount", "amount", wrap=False)
        set_role(self.prompt, "prompt")
        self.prompt.setWordWrap(False)
        self.amount_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A wrong number is said in the prompt's place (large, spoken), not in a line
        # of its own: the elder layout has no height to spare.
        self.wrong_tries = 0
        layout = self.layout()
        for widget in (self.prompt, self.dots, self.feedback):
            layout.removeWidget(widget)
        self.feedback.hide()
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.prompt)
        line.addSpacing(24)
        line.addWidget(self.dots)
        line.addStretch(1)
        layout.insertWidget(0, self.amount_label)
        layout.insertLayout(1, line)

    def left(self) -> None:
        self.thumbnail = None           # the face picture is not kept

    def entered(self, amount_fen: int = 0, match=None, thumbnail=None, **params) -> None:
        self.amount_fen, self.match, self.thumbnail = amount_fen, match, thumbnail
        self.digits = ""
        self.tries_left = MAX_TRIES
        self.wrong_tries = 0
        self.retranslate()
        self.shell.voice.say("请输入手机号后四位")

    def press(self, key: str) -> None:
        if self.wrong_tries and not self.digits:
            self.wrong_tries = 0        # typing again: back to the prompt
            self.retranslate()
        super().press(key)

    def digits_complete(self) -> None:
        self._check()

    def _check(self) -> None:
        ok = self.shell.services.face_pay.check_step_up(self.match, self.digits)
        self.reset_digits()
        if ok:
            self.shell.go("confirm", amount_fen=self.amount_fen, match=self.match,
                          thumbnail=self.thumbnail)
            return
        self.tries_left -= 1
        if self.tries_left <= 0:
            self.shell.show_error(self.t("stepup.failed"))
            self.shell.go("scan", amount_fen=self.amount_fen)
            return
        self.wrong_tries = self.tries_left
        self.retranslate()
        self.shell.voice.say(self.prompt.text())

    def retranslate(self) -> None:
        self.amount_label.setText(format_amount(self.amount_fen))
        self.prompt.setText(self.t("stepup.wrong", tries=self.wrong_tries) if self.wrong_tries
                            else self.t("stepup.prompt"))
        self.code_button.setText(self.t("face.code_instead"))
        self.cancel_button.setText(self.t("common.cancel"))
        self.show_dots()
