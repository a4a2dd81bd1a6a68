"""Confirmation: who pays how much, before the member account is charged."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.services.views import PaymentOrder


class ConfirmScreen(Screen):
    name = "confirm"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount_fen = 0
        self.match = None
        self.question = label("confirm_question", "title")
        self.amount_label = label("confirm_amount", "amount")
        self.member = label("confirm_member")
        self.confirm_button = button("confirm_pay", "primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.code_button = button("confirm_code_instead", "alt")
        self.code_button.clicked.connect(lambda: shell.go("scan", amount_fen=self.amount_fen))
        self.cancel_button = button("confirm_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.amount_label)
        layout.addWidget(self.member)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(self.code_button)
        row.addWidget(self.confirm_button, 2)
        layout.addLayout(row)

    def entered(self, amount_fen: int = 0, match=None, **params) -> None:
        self.amount_fen, self.match = amount_fen, match
        self.retranslate()

    def confirm(self) -> None:
        self.shell.go("result", order=PaymentOrder.for_member(self.amount_fen, self.match))

    def retranslate(self) -> None:
        self.question.setText(self.t("confirm.question"))
        self.amount_label.setText(format_amount(self.amount_fen))
        label_text = self.match.member_label if self.match else ""
        self.member.setText(self.t("confirm.member", member=label_text))
        self.confirm_button.setText(self.t("confirm.pay"))
        self.code_button.setText(self.t("face.code_instead"))
        self.cancel_button.setText(self.t("common.cancel"))
