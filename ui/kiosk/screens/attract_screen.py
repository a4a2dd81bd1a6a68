"""Self-service home. Idle it is an attract screen (welcome, how to pay here); an
amount wakes the pay choice: face-pay or a payment code, with the amount large. The
amount comes from the store's till (``present_amount``) or, in canteen mode, from the
fixed-price item the shopper taps; the keypad is staff only (behind the PIN, from the
technician screen). Elder mode is one touch away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from terminal.settings.kiosk_section import parse_fixed_item
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.amount_entry import AmountEntry
from ui.kiosk.widgets.keypad import Keypad
from ui.services.views import PaymentOrder
from ui.voice import amount_words


class AttractScreen(Screen):
    name = "attract"
    is_home = True

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.items = [parse_fixed_item(text) for text in shell.settings.kiosk.fixed_price_items]
        self.staff_typing = False
        self.welcome = label("attract_welcome", "prompt")
        self.subtitle = label("attract_subtitle", "title")
        for widget in (self.welcome, self.subtitle):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.amount = AmountEntry(shell.settings.terminal.max_amount_fen)
        self.amount.setObjectName("attract_amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.amount.amount_changed.connect(lambda _fen: self._show_parts())
        self.keypad_done = button("attract_keypad_done", "primary")
        self.keypad_done.clicked.connect(self._staff_done)
        self.keypad = Keypad(action=self.keypad_done)
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
        self.elder_button.clicked.connect(lambda: shell.set_elder(not shell.elder))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.welcome)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.amount)
        layout.addLayout(items)
        layout.addWidget(self.keypad, 3)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.face_button, 1)
        row.addWidget(self.code_button, 1)
        layout.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.elder_button)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        self.retranslate()

    def entered(self, staff_keypad: bool = False, **params) -> None:
        self.staff_typing = staff_keypad
        self.amount.clear()
        self.retranslate()

    def present_amount(self, amount_fen: int) -> None:
        """The store's till sends the amount (also the demo and the staff keypad)."""
        self.amount.set_fen(amount_fen)
        self.retranslate()
        if amount_fen > 0:
            self.shell.voice.say(f"应付 {amount_words(amount_fen)}，请选择支付方式")

    def _staff_done(self) -> None:
        self.staff_typing = False
        self.retranslate()

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
            self.shell.show_error(self.t("attract.wait_for_amount"))
            return
        self.shell.go("scan", amount_fen=fen)

    def on_code(self, text: str) -> None:
        fen = self.amount.fen()
        if fen <= 0 or self.staff_typing:
            self.shell.show_error(self.t("attract.wait_for_amount"))
            return
        self.shell.go("result", order=PaymentOrder.with_code(fen, text))

    def _show_parts(self) -> None:
        has_amount = self.amount.fen() > 0
        typing = self.staff_typing
        self.keypad.setVisible(typing)
        self.amount.setVisible(has_amount or typing)
        for item in self.item_buttons:
            item.setVisible(not has_amount and not typing)
        self.welcome.setVisible(not typing)
        self.face_button.setVisible(has_amount and not typing)
        self.code_button.setVisible((has_amount or len(self.items) == 1) and not typing)
        self.elder_button.setVisible(not typing)

    def retranslate(self) -> None:
        has_amount = self.amount.fen() > 0
        self.welcome.setText(self.t("attract.pay_choice" if has_amount else "attract.welcome"))
        self.subtitle.setText(self.t(
            "attract.staff_amount" if self.staff_typing else
            "attract.amount_due" if has_amount else
            "attract.choose_item" if self.items else "attract.idle"))
        self.face_button.setText(self.t("attract.face"))
        self.code_button.setText(self.t("attract.code"))
        self.keypad_done.setText(self.t("common.ok"))
        self.elder_button.setText(self.t("attract.elder_off" if self.shell.elder
                                         else "attract.elder_on"))
        self._show_parts()
