"""Cash: the amount due, what the customer handed over, the change."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.amount_entry import AmountEntry
from ui.kiosk.widgets.keypad import Keypad
from ui.services.views import PaymentOrder

NOTES_FEN = (5000, 10000)


class CashScreen(Screen):
    name = "cash"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount_fen = 0
        self.due = label("cash_due", "title")
        self.tendered = AmountEntry(shell.settings.terminal.max_amount_fen * 10)
        self.tendered.setObjectName("cash_tendered")
        self.change = label("cash_change", "title")
        self.keypad = Keypad()
        self.keypad.key_pressed.connect(self.tendered.press)
        self.tendered.amount_changed.connect(lambda _f: self._refresh())
        self.exact_button = button("cash_exact")
        self.exact_button.clicked.connect(lambda: self.tendered.set_fen(self.amount_fen))
        self.note_buttons = []
        quick = QHBoxLayout()
        quick.addWidget(self.exact_button)
        for fen in NOTES_FEN:
            note = button(f"cash_note_{fen // 100}")
            note.setText(format_amount(fen))
            note.clicked.connect(lambda _=False, f=fen: self.tendered.set_fen(f))
            quick.addWidget(note)
            self.note_buttons.append(note)
        self.confirm_button = button("cash_confirm", "primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = button("cash_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        info = QVBoxLayout()
        info.addWidget(self.due)
        info.addWidget(self.tendered)
        info.addWidget(self.change)
        info.addStretch(1)
        info.addLayout(quick)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(self.confirm_button, 2)
        info.addLayout(row)
        layout = QHBoxLayout(self)
        layout.addLayout(info, 1)
        layout.addWidget(self.keypad, 1)
        self.retranslate()

    def entered(self, amount_fen: int = 0, **params) -> None:
        self.amount_fen = amount_fen
        self.tendered.clear()
        self.retranslate()

    def confirm(self) -> None:
        tendered = self.tendered.fen() or self.amount_fen
        if tendered < self.amount_fen:
            self.shell.show_error(self.t("cash.not_enough"))
            return
        self.shell.go("result", order=PaymentOrder.with_cash(self.amount_fen, tendered))

    def _refresh(self) -> None:
        tendered = self.tendered.fen()
        change = tendered - self.amount_fen if tendered >= self.amount_fen else 0
        self.change.setText(self.t("cash.change", amount=format_amount(change)))

    def retranslate(self) -> None:
        self.due.setText(self.t("cash.due", amount=format_amount(self.amount_fen)))
        self.exact_button.setText(self.t("cash.exact"))
        self.confirm_button.setText(self.t("cash.confirm"))
        self.cancel_button.setText(self.t("common.cancel"))
        self._refresh()
