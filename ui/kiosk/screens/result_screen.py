"""The outcome of a payment: one full-screen processing state (amount, spinner, and a
countdown while the wallet waits for the password; nothing to tap), then approved,
declined with the reason, or unknown and being resolved on a full-colour panel with an
icon. The cashier also sees the receipt preview and reprint; shoppers never do. It
announces the result and returns home by itself.

This screen is the one that asks for the payment (``entered(order=...)``): the payment
service answers it, and only it, with the request id it gave; a late report about an
earlier payment is never shown as this one's outcome."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPlainTextEdit, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label, set_role
from ui.kiosk.screens.result_copy import result_copy
from ui.kiosk.theme import palette
from ui.kiosk.widgets.spinner import Spinner
from ui.services.views import Outcome, PaymentOrder, PaymentView
from ui.voice import amount_words

_IN_FLIGHT = (Outcome.IN_PROGRESS, Outcome.WAITING_PASSWORD)
_FINAL = (Outcome.APPROVED, Outcome.DECLINED, Outcome.RESOLVING, Outcome.HELD)


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
        self.panel = QFrame()
        self.panel.setObjectName("result_panel")
        self.icon = label("result_icon", "icon", wrap=False)
        self.spinner = Spinner()
        self.outcome_label = label("result_outcome", "prompt")
        self.amount_label = label("result_amount", "amount", wrap=False)
        self.message = label("result_message")
        self.countdown = label("result_countdown", "prompt")
        for widget in (self.icon, self.outcome_label, self.amount_label, self.message,
                       self.countdown):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        headline = QHBoxLayout()
        headline.addStretch(1)
        headline.addWidget(self.icon)
        headline.addWidget(self.spinner)
        headline.addWidget(self.outcome_label, 0)
        headline.addStretch(1)
        panel = QVBoxLayout(self.panel)
        panel.addStretch(1)
        panel.addLayout(headline)
        for widget in (self.amount_label, self.message, self.countdown):
            panel.addWidget(widget)
        panel.addStretch(1)
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
        left.addWidget(self.panel, 1)
        row = QHBoxLayout()
        for widget in (self.stop_waiting_button, self.reprint_button, self.other_way_button,
                       self.done_button):
            row.addWidget(widget, 1)
        left.addLayout(row)
        self.receipt_column = QFrame()
        right = QVBoxLayout(self.receipt_column)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.receipt, 1)
        right.addWidget(self.receipt_status)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.receipt_column, 2)
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
        return self.view is None or self.view.outcome in _IN_FLIGHT

    @property
    def outcome(self) -> Outcome:
        return self.view.outcome if self.view else Outcome.IN_PROGRESS

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
        previous = self.view.outcome if self.view else None
        self.view = view
        changed = view.outcome is not previous
        if view.outcome is Outcome.WAITING_PASSWORD and changed:
            self._wait_left = view.wait_s_left
            self._tick.start()
            self.shell.voice.say(self.t("result.shopper.waiting_password"))
        if view.outcome is not Outcome.WAITING_PASSWORD:
            self._tick.stop()
            self.countdown.clear()
        if view.outcome is Outcome.APPROVED and changed:
            self.shell.voice.say(f"支付成功 {amount_words(view.amount_fen)}")
            self.shell.services.printing.print_receipt(view.out_trade_no)
        if view.outcome is Outcome.DECLINED and changed:
            self.shell.voice.say("支付失败")
        if view.outcome in _FINAL:
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
        if self.shell.shopper_facing:
            self.shell.go("scan", amount_fen=self.amount_fen)
        else:
            self.shell.go("sale", amount_fen=self.amount_fen)

    # -- the next sale starts from here (cashier) -------------------------------------
    def on_code(self, text: str) -> None:
        """A scan once the result is final starts the next sale (the cashier types its
        amount first); while a payment is in flight a scan is not taken."""
        if self.outcome in _FINAL and not self.shell.shopper_facing:
            self.shell.go("sale")
            self.shell.deliver_code(text)
        else:
            self.shell.show_error(self.t("error.code_not_now"))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        key = event.text()
        if (key.isdigit() or key == ".") and self.outcome in _FINAL \
                and not self.shell.shopper_facing:
            self.shell.go("sale")
            self.shell.screen("sale").keypad.press(key)
            return
        super().keyPressEvent(event)

    # -- look -------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_headline()

    def _fit_headline(self) -> None:
        """A wrapped label beside the spinner or icon takes a narrow width and breaks a
        short headline over lines: it gets the width of its text, up to the panel's
        (a longer one wraps next to the spinner, not centred away from it)."""
        beside = max(self.spinner.width() if self.spinner.isVisibleTo(self) else 0,
                     self.icon.sizeHint().width() if self.icon.isVisibleTo(self) else 0)
        room = self.panel.width() - beside - 64
        needed = self.outcome_label.fontMetrics().horizontalAdvance(
            self.outcome_label.text()) + 8
        self.outcome_label.setMinimumWidth(max(0, min(needed, room)))
        self.outcome_label.setAlignment(
            Qt.AlignmentFlag.AlignCenter if needed <= room
            else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def restyle(self, elder: bool) -> None:
        self.spinner.set_diameter(160 if elder else 112)
        self.spinner.colour = QColor(palette(elder)["accent"])
        self.retranslate()

    def retranslate(self) -> None:
        outcome = self.outcome
        shopper = self.shell.shopper_facing
        copy = result_copy(self.shell.tr, self.view, shopper=shopper)
        set_role(self.panel, copy.panel_role)
        for child in self.panel.findChildren(type(self.icon)):
            child.style().unpolish(child)
            child.style().polish(child)
        self.icon.setText(copy.icon)
        self.icon.setVisible(bool(copy.icon))
        self.spinner.setVisible(outcome in _IN_FLIGHT)
        self.outcome_label.setText(copy.headline)
        self._fit_headline()
        self.amount_label.setText(format_amount(self.view.amount_fen if self.view
                                                else self.amount_fen))
        self.message.setText(copy.message)
        self.message.setVisible(bool(copy.message))
        if outcome is Outcome.WAITING_PASSWORD:
            self.countdown.setText(self.t("result.countdown", seconds=int(self._wait_left)))
        self.countdown.setVisible(outcome is Outcome.WAITING_PASSWORD)
        self.receipt_column.setVisible(not shopper and not self.shell.elder)
        self.stop_waiting_button.setText(self.t("result.stop_waiting"))
        self.stop_waiting_button.setVisible(outcome is Outcome.WAITING_PASSWORD
                                            and not shopper)
        self.other_way_button.setText(self.t("result.other_way"))
        self.other_way_button.setVisible(outcome is Outcome.DECLINED)
        self.reprint_button.setText(self.t("result.reprint"))
        self.reprint_button.setVisible(outcome is Outcome.APPROVED and not shopper
                                       and not self.shell.elder)
        self.done_button.setText(self.t("common.done"))
        self.done_button.setVisible(outcome in _FINAL)
