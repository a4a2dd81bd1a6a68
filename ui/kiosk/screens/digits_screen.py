"""A screen where someone types a secret number on the keypad (staff PIN, the phone's
last four digits): the same layout and the same digit handling for both."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.keypad import BACKSPACE, CLEAR, Keypad


class DigitsScreen(Screen):
    #: How many digits may be typed; ``fixed_length`` also shows empty places and
    #: calls ``digits_complete`` as soon as the last one is typed.
    max_digits = 4
    fixed_length = False

    def __init__(self, shell, *, prefix: str, action: QPushButton) -> None:
        super().__init__(shell)
        self.digits = ""
        self.prompt = label(f"{prefix}_prompt", "title")
        self.dots = label(f"{prefix}_digits", "prompt")
        self.feedback = label(f"{prefix}_feedback", "hint")
        self.keypad = Keypad(with_dot=False, phone=True)
        self.keypad.key_pressed.connect(self.press)
        self.cancel_button = button(f"{prefix}_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.dots)
        layout.addWidget(self.feedback)
        layout.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(action, 2)
        layout.addLayout(row)

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.digits = self.digits[:-1]
        elif key == CLEAR:
            self.digits = ""
        elif key.isdigit() and len(self.digits) < self.max_digits:
            self.digits += key
        self.show_dots()
        if self.fixed_length and len(self.digits) == self.max_digits:
            self.digits_complete()

    def reset_digits(self) -> None:
        self.digits = ""
        self.show_dots()

    def show_dots(self) -> None:
        empty = "○" * (self.max_digits - len(self.digits)) if self.fixed_length else ""
        self.dots.setText("●" * len(self.digits) + empty)

    def digits_complete(self) -> None:
        """Called when a fixed-length number is complete."""
