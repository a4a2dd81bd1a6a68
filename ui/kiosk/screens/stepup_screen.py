"""Step-up: the member types the last 4 digits of the enrolled phone number."""

from __future__ import annotations

from terminal.money import format_amount
from ui.kiosk.screens.base import button
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

    def left(self) -> None:
        self.thumbnail = None           # the face picture is not kept

    def entered(self, amount_fen: int = 0, match=None, thumbnail=None, **params) -> None:
        self.amount_fen, self.match, self.thumbnail = amount_fen, match, thumbnail
        self.digits = ""
        self.tries_left = MAX_TRIES
        self.feedback.clear()
        self.retranslate()
        self.shell.voice.say("请输入手机号后四位")

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
        self.feedback.setText(self.t("stepup.wrong", tries=self.tries_left))

    def retranslate(self) -> None:
        self.prompt.setText(self.t("stepup.prompt", amount=format_amount(self.amount_fen)))
        self.code_button.setText(self.t("face.code_instead"))
        self.cancel_button.setText(self.t("common.cancel"))
        self.show_dots()
