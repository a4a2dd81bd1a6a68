"""Today's transactions with search; unresolved and exception lists; refund; reprint."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLineEdit,
                               QPlainTextEdit, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout)

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.amount_entry import AmountEntry
from ui.kiosk.widgets.keypad import Keypad
from ui.i18n.strings import STRINGS
from ui.services.views import TxLists, TxRow

COLUMNS = ("tx.col_time", "tx.col_trade", "tx.col_amount", "tx.col_tender", "tx.col_payer",
           "tx.col_state", "tx.col_reason")


class TransactionsScreen(Screen):
    name = "transactions"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.lists = TxLists((), (), ())
        self.search = QLineEdit()
        self.search.setObjectName("tx_search")
        self.search.returnPressed.connect(self.reload)
        self.search_button = button("tx_search_button")
        self.search_button.clicked.connect(self.reload)
        self.tabs = QTabWidget()
        self.tables = {}
        for key in ("recent", "unresolved", "exceptions"):
            table = QTableWidget(0, len(COLUMNS))
            table.setObjectName(f"tx_table_{key}")
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)   # the note takes the rest
            table.verticalHeader().hide()   # row numbers mean nothing to a cashier
            self.tables[key] = table
            self.tabs.addTab(table, "")
        self.refund_label = label("tx_refund_label", "hint", wrap=False)
        self.refund_amount = AmountEntry(shell.settings.terminal.max_amount_fen)
        self.refund_amount.setObjectName("refund_amount")
        self.refund_amount.setProperty("role", "title")
        self.refund_keypad = Keypad()
        self.refund_keypad.key_pressed.connect(self.refund_amount.press)
        self.refund_button = button("tx_refund")
        self.refund_button.clicked.connect(self.ask_refund)
        self.confirm_refund_button = button("tx_refund_confirm", "danger")
        self.confirm_refund_button.clicked.connect(self.refund)
        self.confirm_refund_button.hide()
        self.reprint_button = button("tx_reprint")
        self.reprint_button.clicked.connect(self.reprint)
        self.back_button = button("tx_back")
        self.back_button.clicked.connect(shell.go_home)
        self.message = label("tx_message")
        self.receipt = QPlainTextEdit()
        self.receipt.setObjectName("tx_receipt_preview")
        self.receipt.setReadOnly(True)
        self.receipt.setFont(QFont("WenQuanYi Micro Hei Mono", 11))
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        left = QVBoxLayout()
        left.addLayout(search_row)
        left.addWidget(self.tabs, 3)
        left.addWidget(self.message)
        left.addWidget(self.receipt, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.reprint_button)
        actions.addWidget(self.back_button)
        left.addLayout(actions)
        right = QVBoxLayout()
        right.addWidget(self.refund_label)
        right.addWidget(self.refund_amount)
        right.addWidget(self.refund_keypad, 1)
        right.addWidget(self.refund_button)
        right.addWidget(self.confirm_refund_button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        shell.bridge.transactions_loaded.connect(self._on_loaded)
        shell.bridge.refund_finished.connect(self._on_refund)
        shell.bridge.receipt_printed.connect(self._on_receipt)
        self.tables["recent"].itemSelectionChanged.connect(self._on_selected)
        self.retranslate()

    def entered(self, **params) -> None:
        self.message.clear()
        self.receipt.clear()
        self.reload()

    def reload(self) -> None:
        self.shell.services.transactions.load(self.search.text().strip())

    def selected(self) -> TxRow | None:
        key = ("recent", "unresolved", "exceptions")[self.tabs.currentIndex()]
        rows = getattr(self.lists, key)
        index = self.tables[key].currentRow()
        return rows[index] if 0 <= index < len(rows) else None

    def ask_refund(self) -> None:
        """Refund is a second step: a red button naming the amount confirms it."""
        row = self._refundable_selection()
        if row is None:
            return
        amount = self.refund_amount.fen() or row.refundable_fen
        self.confirm_refund_button.setText(self.t("tx.refund_confirm", amount=format_amount(
            amount), trade=row.out_trade_no[-6:]))
        self.confirm_refund_button.show()

    def _refundable_selection(self) -> TxRow | None:
        row = self.selected()
        if row is None:
            self.message.setText(self.t("tx.select_first"))
            return None
        if row.offline:
            self.message.setText(self.t("tx.not_synced"))
            return None
        if row.refundable_fen <= 0:
            self.message.setText(self.t("tx.not_refundable"))
            return None
        return row

    def refund(self) -> None:
        self.confirm_refund_button.hide()
        row = self._refundable_selection()
        if row is None:
            return
        amount = self.refund_amount.fen() or row.refundable_fen
        self.message.setText(self.t("tx.refunding", amount=format_amount(amount)))
        self.shell.services.transactions.refund(row.out_trade_no, amount)

    def reprint(self) -> None:
        row = self.selected()
        if row is None:
            self.message.setText(self.t("tx.select_first"))
            return
        self.shell.services.printing.print_receipt(row.out_trade_no, reprint=True)

    def _on_selected(self) -> None:
        self.confirm_refund_button.hide()
        row = self.selected()
        if row is not None:
            self.refund_amount.set_fen(row.refundable_fen)

    def _on_loaded(self, lists: TxLists) -> None:
        self.lists = lists
        for key in ("recent", "unresolved", "exceptions"):
            self._fill(self.tables[key], getattr(lists, key))
        self.retranslate()

    def _fill(self, table: QTableWidget, rows) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (row.time, row.out_trade_no, format_amount(row.amount_fen),
                      self._word("tender", row.tender), row.payer,
                      self._word("state", row.state), self.shell.tr.pick(row.message)
                      if row.reason
                      or row.state not in ("approved",) else "")
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(str(value)))

    def restyle(self, elder: bool) -> None:
        for table in self.tables.values():
            table.verticalHeader().setDefaultSectionSize(64 if elder else 48)

    def _word(self, kind: str, value: str) -> str:
        """A stored value (``approved``, ``alipay``) in the screen's language."""
        key = f"tx.{kind}.{value}"
        return self.t(key) if key in STRINGS else value

    def _on_refund(self, view) -> None:
        if self.shell.current() is self:
            self.message.setText(self.shell.tr.pick(view.message))
            self.reload()

    def _on_receipt(self, receipt) -> None:
        if self.shell.current() is self:
            self.receipt.setPlainText(receipt.preview_text)
            if not receipt.printed:
                self.message.setText(self.shell.tr.pick(receipt.problem))

    def task_failed(self, capability: str, sentence: str) -> None:
        self.message.setText(self.shell.tr.pick(sentence))

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.t("tx.search_hint"))
        self.search_button.setText(self.t("tx.search"))
        for index, key in enumerate(("recent", "unresolved", "exceptions")):
            count = len(getattr(self.lists, key))
            self.tabs.setTabText(index, self.t(f"tx.tab_{key}", count=count))
            self.tables[key].setHorizontalHeaderLabels([self.t(c) for c in COLUMNS])
        self.refund_button.setText(self.t("tx.refund"))
        self.refund_label.setText(self.t("tx.refund_amount"))
        self.reprint_button.setText(self.t("tx.reprint"))
        self.back_button.setText(self.t("common.back"))
