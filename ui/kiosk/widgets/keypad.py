"""A large on-screen numeric keypad (touch first; the keyboard works too)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget


BACKSPACE, CLEAR, DOT = "⌫", "C", "."


class Keypad(QWidget):
    key_pressed = Signal(str)       # "0".."9", ".", "⌫", "C"

    def __init__(self, *, with_dot: bool = True, parent=None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3",
                DOT if with_dot else CLEAR, "0", BACKSPACE]
        self.buttons: dict[str, QPushButton] = {}
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setObjectName(f"key_{key}")
            button.setMinimumSize(96, 72)
            button.clicked.connect(lambda _=False, k=key: self._pressed(k))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[key] = button
        if with_dot:
            clear = QPushButton(CLEAR)
            clear.setObjectName("key_C")
            clear.clicked.connect(lambda: self._pressed(CLEAR))
            grid.addWidget(clear, 4, 0, 1, 3)
            self.buttons[CLEAR] = clear

    def _pressed(self, key: str) -> None:
        self.key_pressed.emit(key)

    def press(self, keys: str) -> None:
        """Press each key in ``keys`` (tests and the autopilot use this)."""
        for key in keys:
            self.buttons[key].click()
