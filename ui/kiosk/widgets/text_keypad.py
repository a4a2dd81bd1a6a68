"""An on-screen keyboard for the staff forms of a touch kiosk (hidden cursor, no
physical keyboard): digits and Latin letters typed into the field that has focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QGridLayout, QLineEdit, QPushButton,
                               QSizePolicy, QWidget)

ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM._⌫")
BACKSPACE = "⌫"


class TextKeypad(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        self.fallback: QLineEdit | None = None      # typed into when no field has focus
        for r, row in enumerate(ROWS):
            for c, key in enumerate(row):
                button = QPushButton(key)
                button.setObjectName(f"text_key_{key}")
                button.setProperty("role", "textkey")
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)    # the field keeps focus
                button.setMinimumSize(48, 48)
                button.setSizePolicy(QSizePolicy.Policy.Expanding,
                                     QSizePolicy.Policy.Expanding)
                button.clicked.connect(lambda _=False, k=key: self.type_key(k))
                grid.addWidget(button, r, c)
                self.buttons[key] = button

    def target(self) -> QLineEdit | None:
        focused = QApplication.focusWidget()
        if isinstance(focused, QLineEdit) and self.window().isAncestorOf(focused):
            return focused
        return self.fallback

    def type_key(self, key: str) -> None:
        field = self.target()
        if field is None:
            return
        if key == BACKSPACE:
            field.backspace()
        else:
            field.insert(key)
