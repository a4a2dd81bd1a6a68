"""Self-service home: welcome, the amount (fixed-price items in canteen mode, or typed
by the cashier), then face-pay or a payment code. Elder mode is one touch away."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from terminal.settings.kiosk_section import parse_fixed_item
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.amount_entry import AmountEntry
from ui.kiosk.widgets.keypad import Keypad
from ui.services.views import PaymentOrder


class AttractScreen(Screen):
    name = "attract"
    is_home = True

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.items = [parse_fixed_item(text) for text in shell.settings.kiosk.fixed_price_items]
        self.welcome = label("attract_welcome", "title")
        self.subtitle = label("attract_subtitle", "hint")
        self.amount = AmountEntry(shell.settings.terminal.max_amount_fen)
        self.amount.setObjectName("attract_amount")
        self.keypad = Keypad()
        self.keypad.key_pressed.connect(self.amount.press)
        self.item_buttons = []
        items = QGridLayout()
        for index, (item_name, fen) in enumerate(self.items):
            item = button(f"item_{index}", "alt")
            item.setText(f"{item_name}\n{format_amount(fen)}")
            item.clicked.connect(lambda _=False, f=fen: self.start_face(f))
            items.addWidget(item, index // 3, index % 3)
            self.item_buttons.append(item)
        self.face_button = button("attract_face", "primary")
        self.face_button.clicked.connect(lambda: self.start_face(self.amount.fen()))
        self.code_button = button("attract_code", "alt")
        self.code_button.clicked.connect(self.pay_with_code)
        self.elder_button = button("attract_elder")
        self.elder_button.clicked.connect(lambda: shell.set_elder(not shell.elder) or
                                          self.retranslate())
        self.enrol_button = button("attract_enrol")
        self.enrol_button.clicked.connect(lambda: shell.go("pin", next="enrol"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.welcome)
        layout.addWidget(self.subtitle)
        if self.items:
            layout.addLayout(items, 1)
            self.amount.hide()
            self.keypad.hide()
        else:
            layout.addWidget(self.amount)
            layout.addWidget(self.keypad, 1)
        row = QHBoxLayout()
        row.addWidget(self.face_button, 2)
        row.addWidget(self.code_button, 2)
        layout.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.elder_button)
        bottom.addStretch(1)
        bottom.addWidget(self.enrol_button)
        layout.addLayout(bottom)
        self.retranslate()

    def entered(self, **params) -> None:
        self.amount.clear()
        self.face_button.setVisible(not self.items)
        self.retranslate()

    def present_amount(self, amount_fen: int) -> None:
        """The cashier's till sends the amount (also used by the demo)."""
        self.amount.set_fen(amount_fen)

    def start_face(self, amount_fen: int) -> None:
        if amount_fen <= 0:
            self.shell.show_error(self.t("sale.enter_amount_first"))
            return
        capability = self.shell.services.face_pay.capability()
        if not capability.available:
            self.shell.show_error(capability.reason)
            self.shell.go("scan", amount_fen=amount_fen)
            return
        self.shell.go("face", amount_fen=amount_fen)

    def pay_with_code(self) -> None:
        fen = self.amount.fen()
        if self.items and fen <= 0:
            fen = self.items[0][1] if len(self.items) == 1 else 0
        if fen <= 0:
            self.shell.show_error(self.t("sale.enter_amount_first"))
            return
        self.shell.go("scan", amount_fen=fen)

    def on_code(self, text: str) -> None:
        fen = self.amount.fen()
        if fen <= 0:
            self.shell.show_error(self.t("sale.enter_amount_first"))
            return
        self.shell.go("result", order=PaymentOrder.with_code(fen, text))

    def retranslate(self) -> None:
        self.welcome.setText(self.t("attract.welcome"))
        self.subtitle.setText(self.t("attract.choose_item" if self.items
                                     else "attract.cashier_amount"))
        self.face_button.setText(self.t("attract.face"))
        self.code_button.setText(self.t("attract.code"))
        self.elder_button.setText(self.t("attract.elder_off" if self.shell.elder
                                         else "attract.elder_on"))
        self.enrol_button.setText(self.t("attract.enrol"))
