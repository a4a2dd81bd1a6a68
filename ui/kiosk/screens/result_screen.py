"""The outcome of a payment: approved, declined with the reason, waiting for the
customer's password (with a countdown), or unknown and being resolved. Shows the
receipt preview, announces the result, and returns home by itself.

This screen is the one that asks for the payment (``entered(order=...)``): the payment
service answers it, and only it, with the request id it gave; a late report about an
earlier payment is never shown as this one's outcome."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout

from terminal.money import format_amount
from terminal.settings.kiosk_section import KioskMode
from ui.kiosk.screens.base import Screen, button, label, set_role
from ui.services.views import Outcome, PaymentOrder, PaymentView
from ui.voice import amount_words

_ROLES = {Outcome.APPROVED: "outcome-approved", Outcome.DECLINED: "outcome-declined",
          Outcome.HELD: "outcome-declined"}


class ResultScreen(Screen):
    name = "result"

    #: Each report about this screen's payment, after it is shown (the demo's autopilot
    #: and the tests watch it; the payment itself answers this screen only).
    payment_shown = Signal(object)

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.view: PaymentView | None = None
        self.request_id = ""
        self.amount_fen = 0
        self.tender = ""
        self.outcome_label = label("result_outcome", "outcome-pending")
        self.amount_label = label("result_amount", "amount")
        self.message = label("result_message")
        self.countdown = label("result_countdown", "hint")
        self.receipt = QPlainTextEdit()
        self.receipt.setObjectName("receipt_preview")
        self.receipt.setReadOnly(True)
        self.receipt.setFont(QFont("WenQuanYi Micro Hei Mono", 12))
        self.receipt.setMinimumWidth(360)
        self.receipt_status = label("receipt_status", "hint")
        self.done_button = button("result_done", "primary")
        self.done_button.clicked.connect(shell.go_home)
        self.reprint_button = button("result_reprint")
        self.reprint_button.clicked.connect(self.reprint)
        self.stop_waiting_button = button("result_stop_waiting")
        self.stop_waiting_button.clicked.connect(shell.services.payments.stop_waiting)
        self.other_way_button = button("result_other_way", "alt")
        self.other_way_button.clicked.connect(self.other_way)
        left = QVBoxLayout()
        left.addWidget(self.outcome_label)
        left.addWidget(self.amount_label)
        left.addWidget(self.message)
        left.addWidget(self.countdown)
        left.addStretch(1)
        row = QHBoxLayout()
        for widget in (self.stop_waiting_button, self.other_way_button, self.reprint_button,
                       self.done_button):
            row.addWidget(widget)
        left.addLayout(row)
        right = QVBoxLayout()
        right.addWidget(self.receipt, 1)
        right.addWidget(self.receipt_status)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self._wait_left = 0.0
        self._auto_home = QTimer(self)
        self._auto_home.setSingleShot(True)
        self._auto_home.timeout.connect(self._return_home)
        shell.bridge.receipt_printed.connect(self._on_receipt)

    @property
    def busy(self) -> bool:
        """Never left by the idle timer while a payment is in flight."""
        return self.view is None or self.view.outcome in (Outcome.IN_PROGRESS,
                                                           Outcome.WAITING_PASSWORD)

    def entered(self, order: PaymentOrder | None = None, **params) -> None:
        """Show ``order`` being paid and start it (no order: nothing to show)."""
        self.view = None
        self.request_id = ""
        self.amount_fen = order.amount_fen if order else 0
        self.tender = order.tender.value if order else ""
        self.receipt.clear()
        self.receipt_status.clear()
        self._auto_home.stop()
        self._tick.stop()
        self.countdown.clear()
        self.retranslate()
        if order is not None:
            self.request_id = self.shell.services.payments.start(order, self._on_payment)

    def left(self) -> None:
        self._auto_home.stop()
        self._tick.stop()

    def _on_payment(self, view: PaymentView) -> None:
        """The payment service's reply (GUI thread)."""
        if self.shell.current() is not self or view.request_id != self.request_id:
            return
        previous = self.view
        self.view = view
        if view.outcome is Outcome.WAITING_PASSWORD and (
                previous is None or previous.outcome is not Outcome.WAITING_PASSWORD):
            self._wait_left = view.wait_s_left
            self._tick.start()
        if view.outcome is not Outcome.WAITING_PASSWORD:
            self._tick.stop()
            self.countdown.clear()
        if view.outcome is Outcome.APPROVED and (previous is None
                                                 or previous.outcome is not Outcome.APPROVED):
            self.shell.voice.say(f"支付成功 {amount_words(view.amount_fen)}")
            self.shell.services.printing.print_receipt(view.out_trade_no)
        if view.outcome is Outcome.DECLINED and (previous is None
                                                 or previous.outcome is not Outcome.DECLINED):
            self.shell.voice.say("支付失败")
        if view.outcome in (Outcome.APPROVED, Outcome.DECLINED, Outcome.RESOLVING,
                            Outcome.HELD):
            self._auto_home.start(int(self.shell.result_timeout_s() * 1000))
        self.retranslate()
        self.payment_shown.emit(view)

    def _on_receipt(self, receipt) -> None:
        if self.shell.current() is not self or self.view is None or \
                receipt.out_trade_no != self.view.out_trade_no:
            return
        self.receipt.setPlainText(receipt.preview_text)
        self.receipt_status.setText(self.t("receipt.printed") if receipt.printed
                                    else self.shell.tr.pick(receipt.problem))

    def _count_down(self) -> None:
        self._wait_left = max(0.0, self._wait_left - 1.0)
        self.countdown.setText(self.t("result.countdown", seconds=int(self._wait_left)))

    def _return_home(self) -> None:
        if self.shell.current() is self:
            self.shell.go_home()

    def reprint(self) -> None:
        if self.view is not None and self.view.out_trade_no:
            self.shell.services.printing.print_receipt(self.view.out_trade_no, reprint=True)

    def other_way(self) -> None:
        if self.shell.options.mode is KioskMode.KIOSK:
            self.shell.go("scan", amount_fen=self.amount_fen)
        else:
            self.shell.go("sale", amount_fen=self.amount_fen)

    def retranslate(self) -> None:
        view = self.view
        outcome = view.outcome if view else Outcome.IN_PROGRESS
        set_role(self.outcome_label, _ROLES.get(outcome, "outcome-pending"))
        self.outcome_label.setText(self.t(f"result.{outcome.value}"))
        self.amount_label.setText(format_amount(view.amount_fen if view else self.amount_fen))
        text = self.shell.tr.pick(view.message) if view else self.t("result.processing")
        if view and view.tender == "cash" and view.change_fen:
            text += "\n" + self.t("cash.change", amount=format_amount(view.change_fen))
        if view and view.offline:
            text += "\n" + self.t("result.offline_note")
        if outcome is Outcome.RESOLVING:
            text += "\n" + self.t("result.resolving_note")
        if outcome is Outcome.HELD:
            text += "\n" + self.t("result.held_note")
        self.message.setText(text)
        if outcome is Outcome.WAITING_PASSWORD:
            self.countdown.setText(self.t("result.countdown", seconds=int(self._wait_left)))
        self.stop_waiting_button.setText(self.t("result.stop_waiting"))
        self.stop_waiting_button.setVisible(outcome is Outcome.WAITING_PASSWORD)
        self.other_way_button.setText(self.t("result.other_way"))
        self.other_way_button.setVisible(outcome is Outcome.DECLINED)
        self.reprint_button.setText(self.t("result.reprint"))
        self.reprint_button.setVisible(outcome is Outcome.APPROVED)
        self.done_button.setText(self.t("common.done"))
        self.done_button.setEnabled(outcome is not Outcome.IN_PROGRESS)
