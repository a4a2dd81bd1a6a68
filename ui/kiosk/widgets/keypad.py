"""A large on-screen numeric keypad (touch first; the keyboard works too).

Two layouts: the till's (7-8-9 on top, as on a calculator, with ⌫, C and an optional
wide action key such as 收款 on the right) and the phone's (1-2-3 on top) that every pad
a shopper types on uses. Keys share the height they are given: no dead space."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

BACKSPACE, CLEAR, DOT = "⌫", "C", "."
KEY_MIN_W, KEY_MIN_H = 96, 56

#: (key, row, column, row span, column span)
TILL = (("7", 0, 0, 1, 1), ("8", 0, 1, 1, 1), ("9", 0, 2, 1, 1), (BACKSPACE, 0, 3, 1, 1),
        ("4", 1, 0, 1, 1), ("5", 1, 1, 1, 1), ("6", 1, 2, 1, 1), (CLEAR, 1, 3, 1, 1),
        ("1", 2, 0, 1, 1), ("2", 2, 1, 1, 1), ("3", 2, 2, 1, 1),
        ("0", 3, 0, 1, 2), (DOT, 3, 2, 1, 1))
PHONE = (("1", 0, 0, 1, 1), ("2", 0, 1, 1, 1), ("3", 0, 2, 1, 1),
         ("4", 1, 0, 1, 1), ("5", 1, 1, 1, 1), ("6", 1, 2, 1, 1),
         ("7", 2, 0, 1, 1), ("8", 2, 1, 1, 1), ("9", 2, 2, 1, 1),
         (CLEAR, 3, 0, 1, 1), ("0", 3, 1, 1, 1), (BACKSPACE, 3, 2, 1, 1))
PHONE_WITH_DOT = PHONE[:9] + ((DOT, 3, 0, 1, 1), ("0", 3, 1, 1, 1), (BACKSPACE, 3, 2, 1, 1),
                              (CLEAR, 4, 0, 1, 3))


class Keypad(QWidget):
    key_pressed = Signal(str)       # "0".."9", ".", "⌫", "C"

    def __init__(self, *, with_dot: bool = True, phone: bool = False,
                 action: QPushButton | None = None, parent=None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        layout = (PHONE_WITH_DOT if with_dot else PHONE) if phone else TILL
        self.buttons: dict[str, QPushButton] = {}
        for key, row, column, rows, columns in layout:
            button = QPushButton(key)
            button.setObjectName(f"key_{key}")
            button.setProperty("role", "key")
            button.setMinimumSize(KEY_MIN_W, KEY_MIN_H)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _=False, k=key: self._pressed(k))
            grid.addWidget(button, row, column, rows, columns)
            self.buttons[key] = button
        if action is not None:
            action.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            grid.addWidget(action, 2, 3, 2, 1)
        for row in range(grid.rowCount()):
            grid.setRowStretch(row, 1)

    def _pressed(self, key: str) -> None:
        self.key_pressed.emit(key)

    def press(self, keys: str) -> None:
        """Press each key in ``keys`` (tests and the autopilot use this)."""
        for key in keys:
            self.buttons[key].click()
