"""Cashier home: type the amount, choose the tender. A scanner-gun scan pays at once."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.amount_entry import AmountEntry
from ui.kiosk.widgets.keypad import Keypad
from ui.services.views import PaymentOrder

TENDERS = (("wallet", "sale.pay_code"), ("member", "sale.pay_face"), ("cash", "sale.pay_cash"))
#: The scanner gun is the main path: one primary tender, the others plain.
ROLES = {"wallet": "primary", "member": "", "cash": ""}


class SaleScreen(Screen):
    name = "sale"
    is_home = True

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount = AmountEntry(shell.settings.terminal.max_amount_fen)
        self.amount.setObjectName("amount")
        self.collect_button = button("sale_collect", "primary")
        self.collect_button.clicked.connect(lambda: self.choose("wallet"))
        self.keypad = Keypad(action=self.collect_button)
        self.keypad.key_pressed.connect(self.amount.press)
        self.amount.amount_changed.connect(lambda _fen: self._refresh_tenders())
        self.hint = label("sale_hint", "hint")
        self.tender_buttons = {}
        self.tender_reasons = {}
        right = QVBoxLayout()
        for tender, _key in TENDERS:
            btn = button(f"tender_{tender}", ROLES[tender])
            btn.clicked.connect(lambda _=False, t=tender: self.choose(t))
            reason = label(f"tender_{tender}_reason", "hint")
            self.tender_buttons[tender] = btn
            self.tender_reasons[tender] = reason
            right.addWidget(btn)
            right.addWidget(reason)
        right.addStretch(1)
        nav = QGridLayout()
        self.transactions_button = button("transactions_button")
        self.transactions_button.clicked.connect(lambda: shell.go("transactions"))
        self.eod_button = button("eod_button")
        self.eod_button.clicked.connect(lambda: shell.go("eod"))
        nav.addWidget(self.transactions_button, 0, 0)
        nav.addWidget(self.eod_button, 0, 1)
        right.addLayout(nav)
        left = QVBoxLayout()
        left.addWidget(self.amount)
        left.addWidget(self.hint)
        left.addWidget(self.keypad, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        shell.bridge.status_changed.connect(lambda _s: self._refresh_tenders())
        self.retranslate()

    def entered(self, amount_fen: int = 0, **params) -> None:
        """Home with an empty amount, or with ``amount_fen`` kept (pay another way)."""
        if amount_fen > 0:
            self.amount.set_fen(amount_fen)
        else:
            self.amount.clear()
        self._refresh_tenders()

    def choose(self, tender: str) -> None:
        fen = self.amount.fen()
        if fen <= 0:
            self.shell.show_error(self.t("sale.enter_amount_first"))
            return
        capability = self.shell.services.payments.capability(tender)
        if not capability.available:
            self.shell.show_error(capability.reason)
            return
        if tender == "wallet":
            self.shell.go("scan", amount_fen=fen)
        elif tender == "member":
            self.shell.go("face", amount_fen=fen)
        else:
            self.shell.go("cash", amount_fen=fen)

    def on_code(self, text: str) -> None:
        """A scanner-gun scan with an amount typed: take the payment right away."""
        fen = self.amount.fen()
        if fen <= 0:
            self.shell.show_error(self.t("sale.enter_amount_first"))
            return
        capability = self.shell.services.payments.capability("wallet")
        if not capability.available:
            self.shell.show_error(capability.reason)
            return
        self.shell.go("result", order=PaymentOrder.with_code(fen, text))

    def _refresh_tenders(self) -> None:
        payments = self.shell.services.payments
        for tender, _key in TENDERS:
            capability = payments.capability(tender)
            self.tender_buttons[tender].setEnabled(capability.available)
            # A disabled button says so inside, the reason in full under it.
            self.tender_buttons[tender].setText(self.t(dict(TENDERS)[tender]) + (
                "" if capability.available else " · " + self.t("sale.unavailable")))
            if tender == "wallet":
                self.collect_button.setEnabled(capability.available)
            self.tender_reasons[tender].setText(
                "" if capability.available else self.shell.tr.pick(capability.reason))

    def retranslate(self) -> None:
        self.collect_button.setText(self.t("sale.collect"))
        self.hint.setText(self.t("sale.hint"))
        self.transactions_button.setText(self.t("sale.transactions"))
        self.eod_button.setText(self.t("sale.end_of_day"))
        self._refresh_tenders()
