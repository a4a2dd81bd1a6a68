"""The technician / staff PIN (hashed, with lockout: ``ui.technician_pin``)."""

from __future__ import annotations

from ui.kiosk.screens.base import button
from ui.kiosk.screens.digits_screen import DigitsScreen
from ui.technician_pin import MAX_PIN_DIGITS


class PinScreen(DigitsScreen):
    name = "pin"

    max_digits = MAX_PIN_DIGITS

    def __init__(self, shell) -> None:
        action = button("pin_ok", "primary")
        super().__init__(shell, prefix="pin", action=action)
        self.ok_button = action
        self.ok_button.clicked.connect(self.submit)
        self.next_screen = "technician"

    def entered(self, next: str = "technician", **params) -> None:  # noqa: A002
        self.next_screen = next
        self.reset_digits()
        self.feedback.clear()
        self.retranslate()

    def submit(self) -> None:
        check = self.shell.pin.verify(self.digits)
        self.reset_digits()
        if check.ok:
            self.shell.go(self.next_screen)
            return
        self.feedback.setText(self.shell.tr.pick(check.message()))

    def retranslate(self) -> None:
        self.prompt.setText(self.t("pin.prompt"))
        self.ok_button.setText(self.t("common.ok"))
        self.cancel_button.setText(self.t("common.cancel"))
