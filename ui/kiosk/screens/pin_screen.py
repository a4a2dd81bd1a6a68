"""The technician / staff PIN (hashed, with lockout: ``ui.technician_pin``)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.keypad import BACKSPACE, CLEAR, Keypad
from ui.technician_pin import MAX_PIN_DIGITS


class PinScreen(Screen):
    name = "pin"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.next_screen = "technician"
        self.digits = ""
        self.prompt = label("pin_prompt", "title")
        self.dots = label("pin_digits", "amount")
        self.feedback = label("pin_feedback", "hint")
        self.keypad = Keypad(with_dot=False)
        self.keypad.key_pressed.connect(self.press)
        self.ok_button = button("pin_ok", "primary")
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button = button("pin_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.dots)
        layout.addWidget(self.feedback)
        layout.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(self.ok_button, 2)
        layout.addLayout(row)

    def entered(self, next: str = "technician", **params) -> None:  # noqa: A002
        self.next_screen = next
        self.digits = ""
        self.feedback.clear()
        self.retranslate()

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.digits = self.digits[:-1]
        elif key == CLEAR:
            self.digits = ""
        elif key.isdigit() and len(self.digits) < MAX_PIN_DIGITS:
            self.digits += key
        self.dots.setText("●" * len(self.digits))

    def submit(self) -> None:
        check = self.shell.pin.verify(self.digits)
        self.digits = ""
        self.dots.clear()
        if check.ok:
            self.shell.go(self.next_screen)
            return
        self.feedback.setText(self.shell.tr.pick(check.message()))

    def retranslate(self) -> None:
        self.prompt.setText(self.t("pin.prompt"))
        self.ok_button.setText(self.t("common.ok"))
        self.cancel_button.setText(self.t("common.cancel"))
