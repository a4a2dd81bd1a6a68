"""Amount typed on the keypad: yuan text with at most two decimals, shown as ￥."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from terminal.errors import UserFacingError
from terminal.money import format_amount, parse_amount
from ui.kiosk.widgets.keypad import BACKSPACE, CLEAR, DOT

MAX_DIGITS_BEFORE_DOT = 6


class AmountEntry(QLabel):
    """Shows the amount being typed. ``fen()`` is 0 while nothing valid is typed."""

    amount_changed = Signal(int)

    def __init__(self, max_fen: int, parent=None) -> None:
        super().__init__(parent)
        self._max_fen = max_fen
        self._text = ""
        self.setProperty("role", "amount")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._refresh()

    def fen(self) -> int:
        if not self._text or self._text == ".":
            return 0
        try:
            return parse_amount(self._text, max_fen=self._max_fen)
        except UserFacingError:
            return 0

    def clear(self) -> None:
        self._text = ""
        self._refresh()

    def set_fen(self, fen: int) -> None:
        self._text = f"{fen // 100}.{fen % 100:02d}" if fen else ""
        self._refresh()

    def press(self, key: str) -> None:
        """Apply one keypad key; keys that would make an invalid amount are ignored."""
        text = self._text
        if key == CLEAR:
            text = ""
        elif key == BACKSPACE:
            text = text[:-1]
        elif key == DOT:
            if DOT not in text:
                text = (text or "0") + DOT
        elif key.isdigit():
            whole, dot, cents = text.partition(DOT)
            if dot and len(cents) >= 2:
                return
            if not dot and len(whole) >= MAX_DIGITS_BEFORE_DOT:
                return
            text = "0" if text == "0" and key == "0" else (
                key if text == "0" else text + key)
        candidate = text
        if candidate and candidate != "." and candidate.rstrip(".") and \
                float(candidate.rstrip(".") or 0) * 100 > self._max_fen:
            return
        self._text = text
        self._refresh()

    def _refresh(self) -> None:
        fen = self.fen()
        shown = format_amount(fen) if not self._text.endswith(DOT) else f"￥{self._text}"
        if self._text and "." in self._text and not self._text.endswith("."):
            whole, _, cents = self._text.partition(".")
            shown = f"￥{int(whole or 0)}.{cents}"
        self.setText(shown)
        self.amount_changed.emit(fen)
