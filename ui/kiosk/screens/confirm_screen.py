"""Confirmation before the member account is charged: the face just seen, the member
as they know themselves (masked name and phone, "*明 138****0100"), the amount centred
and large, and one big confirm. Paying by code instead stays one tap away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.face_circle import FaceCircle
from ui.services.views import PaymentOrder
from ui.voice import amount_words


class ConfirmScreen(Screen):
    name = "confirm"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount_fen = 0
        self.match = None
        self.thumbnail = FaceCircle()
        self.thumbnail.setObjectName("confirm_face")
        self.thumbnail.ring = False
        self.thumbnail.setMinimumSize(120, 120)
        self.question = label("confirm_question", "title")
        self.amount_label = label("confirm_amount", "amount", wrap=False)
        self.member = label("confirm_member", "title")
        for widget in (self.question, self.amount_label, self.member):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirm_button = button("confirm_pay", "primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.code_button = button("confirm_code_instead")
        self.code_button.clicked.connect(lambda: shell.go("scan", amount_fen=self.amount_fen))
        self.cancel_button = button("confirm_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.thumbnail, 2)
        layout.addWidget(self.member)
        layout.addWidget(self.question)
        layout.addWidget(self.amount_label)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button, 1)
        row.addWidget(self.code_button, 1)
        row.addWidget(self.confirm_button, 2)
        layout.addLayout(row)

    def entered(self, amount_fen: int = 0, match=None, thumbnail=None, **params) -> None:
        self.amount_fen, self.match = amount_fen, match
        if thumbnail is not None:
            self.thumbnail.show_frame(thumbnail)
        else:
            self.thumbnail.clear()
        self.retranslate()
        self.shell.voice.say(f"请确认支付 {amount_words(amount_fen)}")

    def left(self) -> None:
        self.thumbnail.clear()          # the face picture is not kept after the screen

    def confirm(self) -> None:
        self.shell.go("result", order=PaymentOrder.for_member(self.amount_fen, self.match))

    def retranslate(self) -> None:
        self.question.setText(self.t("confirm.question"))
        self.amount_label.setText(format_amount(self.amount_fen))
        self.member.setText(self.match.member_label if self.match else "")
        self.thumbnail.setVisible(self.thumbnail.frame is not None)
        self.confirm_button.setText(self.t("confirm.pay"))
        self.code_button.setText(self.t("face.code_instead"))
        self.code_button.setVisible(not self.shell.elder)     # elder: at most two actions
        self.cancel_button.setText(self.t("common.cancel"))
