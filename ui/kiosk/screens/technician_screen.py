"""Technician (behind the PIN): settings editor, logs, self-test, app status, exit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit,
                               QPlainTextEdit, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from terminal.errors import ConfigError
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.screens.setting_labels import setting_label, shown_value, stored_value

VALUE_COLUMN = 1
VALUE_WIDTH = 360


class TechnicianScreen(Screen):
    name = "technician"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tech_tabs")
        self.tabs.addTab(self._settings_tab(), "")
        self.tabs.addTab(self._logs_tab(), "")
        self.tabs.addTab(self._selftest_tab(), "")
        self.tabs.addTab(self._status_tab(), "")
        self.back_button = button("tech_back")
        self.back_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.back_button)
        shell.bridge.selftest_finished.connect(self._on_selftest)

    # -- tabs -----------------------------------------------------------------------
    def _settings_tab(self) -> QWidget:
        page = QWidget()
        self.settings_table = QTableWidget(0, 3)
        self.settings_table.setObjectName("tech_settings_table")
        # Name, value, note all on the panel: a long value (the consent text) is cut
        # short in its cell and shown whole while it is edited.
        header = self.settings_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VALUE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(VALUE_COLUMN, VALUE_WIDTH)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.settings_message = label("tech_settings_message")
        self.save_button = button("tech_save", "primary")
        self.save_button.clicked.connect(self.save_settings)
        layout = QVBoxLayout(page)
        layout.addWidget(self.settings_table, 1)
        layout.addWidget(self.settings_message)
        layout.addWidget(self.save_button)
        return page

    def _logs_tab(self) -> QWidget:
        page = QWidget()
        self.log_search = QLineEdit()
        self.log_search.setObjectName("tech_log_search")
        self.log_search.returnPressed.connect(self.load_logs)
        self.log_refresh = button("tech_log_refresh")
        self.log_refresh.clicked.connect(self.load_logs)
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("tech_log_view")
        self.log_view.setReadOnly(True)
        self.log_view.setFont(QFont("WenQuanYi Micro Hei Mono", 10))
        row = QHBoxLayout()
        row.addWidget(self.log_search, 1)
        row.addWidget(self.log_refresh)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.log_view, 1)
        return page

    def _selftest_tab(self) -> QWidget:
        page = QWidget()
        self.selftest_button = button("tech_selftest_run", "primary")
        self.selftest_button.clicked.connect(self.run_selftest)
        self.selftest_summary = label("tech_selftest_summary", "title")
        self.selftest_table = QTableWidget(0, 3)
        self.selftest_table.setObjectName("tech_selftest_table")
        self.selftest_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.selftest_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(page)
        layout.addWidget(self.selftest_button)
        layout.addWidget(self.selftest_summary)
        layout.addWidget(self.selftest_table, 1)
        return page

    def _status_tab(self) -> QWidget:
        page = QWidget()
        self.status_text = label("tech_status_text")
        self.pos_api_text = label("tech_pos_api_text")
        self.pos_api_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.elder_button = button("tech_elder")
        self.elder_button.clicked.connect(lambda: (self.shell.set_elder(not self.shell.elder),
                                                   self.retranslate()))
        self.enrol_button = button("tech_enrol")
        self.enrol_button.clicked.connect(lambda: self.shell.go("enrol"))
        self.exit_button = button("tech_exit")
        self.exit_button.clicked.connect(self.exit_app)
        self.staff_amount_button = button("tech_staff_amount")
        self.staff_amount_button.clicked.connect(
            lambda: self.shell.go("attract", staff_keypad=True))
        layout = QVBoxLayout(page)
        layout.addWidget(self.status_text)
        layout.addWidget(self.pos_api_text)
        layout.addStretch(1)
        layout.addWidget(self.staff_amount_button)
        layout.addWidget(self.elder_button)
        layout.addWidget(self.enrol_button)
        layout.addWidget(self.exit_button)
        return page

    # -- behaviour ------------------------------------------------------------------
    def entered(self, **params) -> None:
        self.settings_message.clear()
        self._fill_settings()
        self.load_logs()
        self.retranslate()

    def _fill_settings(self) -> None:
        rows = self.shell.services.settings_editor.rows()
        self._setting_rows = rows
        table = self.settings_table
        table.blockSignals(True)
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            key = QTableWidgetItem(setting_label(row.key, self._english()))
            key.setToolTip(row.key)
            key.setFlags(key.flags() & ~key.flags().ItemIsEditable)
            value = QTableWidgetItem(shown_value(row.key, row.value))
            if row.secret:
                value.setFlags(value.flags() & ~value.flags().ItemIsEditable)
            doc = QTableWidgetItem(row.doc)
            doc.setFlags(doc.flags() & ~doc.flags().ItemIsEditable)
            table.setItem(r, 0, key)
            table.setItem(r, VALUE_COLUMN, value)
            table.setItem(r, 2, doc)
            if row.choices and not row.secret:
                # A closed list (printer model, baud rate): pick from it, or type; the
                # settings check still decides.
                picker = QComboBox()
                picker.setObjectName(f"tech_choice_{row.key}")
                picker.setEditable(True)
                picker.addItems(list(row.choices))
                picker.setCurrentText(row.value)
                table.setCellWidget(r, VALUE_COLUMN, picker)
        table.blockSignals(False)

    def restyle(self, elder: bool) -> None:
        for table in (self.settings_table, self.selftest_table):
            table.verticalHeader().setDefaultSectionSize(64 if elder else 48)

    def _english(self) -> bool:
        return self.shell.tr.language.value == "en"

    def _value_text(self, r: int) -> str:
        """The value in the file's unit (amounts typed in yuan go back to fen)."""
        picker = self.settings_table.cellWidget(r, VALUE_COLUMN)
        if isinstance(picker, QComboBox):
            return picker.currentText()
        key = self._setting_rows[r].key
        return stored_value(key, self.settings_table.item(r, VALUE_COLUMN).text())

    def edit_setting(self, key: str, text: str) -> None:
        """Type ``text`` into the value cell of ``key`` (the autopilot and tests)."""
        for r, row in enumerate(self._setting_rows):
            if row.key == key:
                picker = self.settings_table.cellWidget(r, VALUE_COLUMN)
                if isinstance(picker, QComboBox):
                    picker.setCurrentText(text)
                else:
                    self.settings_table.item(r, VALUE_COLUMN).setText(shown_value(key, text))
                return
        raise KeyError(key)

    def changes(self) -> dict[str, str]:
        out = {}
        for r, row in enumerate(self._setting_rows):
            text = self._value_text(r)
            if not row.secret and text != row.value:
                out[row.key] = text
        return out

    def save_settings(self) -> None:
        changes = self.changes()
        if not changes:
            self.settings_message.setText(self.t("tech.no_changes"))
            return
        try:
            self.shell.services.settings_editor.save(changes)
        except ConfigError as exc:
            self.settings_message.setText(self.t("tech.refused", setting=exc.key,
                                                 problem=exc.problem))
            return
        self._fill_settings()
        self.settings_message.setText(self.t("tech.saved", count=len(changes)))

    def load_logs(self) -> None:
        lines = self.shell.services.logs.tail(300, self.log_search.text().strip())
        self.log_view.setPlainText("\n".join(lines) if lines else self.t("tech.no_logs"))
        self.log_view.moveCursor(self.log_view.textCursor().MoveOperation.End)

    def run_selftest(self) -> None:
        capability = self.shell.services.selftest.capability()
        if not capability.available:
            self.selftest_summary.setText(self.shell.tr.pick(capability.reason))
            return
        self.selftest_button.setEnabled(False)
        self.selftest_summary.setText(self.t("tech.selftest_running"))
        self.shell.services.selftest.run()

    def _on_selftest(self, view) -> None:
        self.selftest_button.setEnabled(True)
        self.selftest_summary.setText(self.t("tech.selftest_overall", overall=view.overall))
        table = self.selftest_table
        table.setRowCount(len(view.lines))
        for r, (check, status, sentence) in enumerate(view.lines):
            for c, value in enumerate((check, status, self.shell.tr.pick(sentence))):
                table.setItem(r, c, QTableWidgetItem(value))

    def task_failed(self, capability: str, sentence: str) -> None:
        self.selftest_button.setEnabled(True)

    def exit_app(self) -> None:
        self.shell.allow_exit()
        self.shell.close()

    def retranslate(self) -> None:
        for index, key in enumerate(("tech.tab_settings", "tech.tab_logs", "tech.tab_selftest",
                                     "tech.tab_status")):
            self.tabs.setTabText(index, self.t(key))
        self.settings_table.setHorizontalHeaderLabels(
            [self.t("tech.col_key"), self.t("tech.col_value"), self.t("tech.col_doc")])
        self.selftest_table.setHorizontalHeaderLabels(
            [self.t("tech.col_check"), self.t("tech.col_status"), self.t("tech.col_detail")])
        for r, row in enumerate(getattr(self, "_setting_rows", ())):
            item = self.settings_table.item(r, 0)
            if item is not None:
                item.setText(setting_label(row.key, self._english()))
        self.save_button.setText(self.t("tech.save"))
        self.log_search.setPlaceholderText(self.t("tech.log_search"))
        self.log_refresh.setText(self.t("tech.log_refresh"))
        self.selftest_button.setText(self.t("tech.selftest_run"))
        self.status_text.setText(self.t(
            "tech.status", mode=self.shell.options.mode,
            stall=f"{self.shell.watchdog.longest_ms:.0f}",
            voice=self.t("common.yes") if self.shell.voice.available else self.t("common.no")))
        # The Terminal API's address and certificate fingerprint (never its key).
        pos_api = getattr(self.shell, "pos_api_status", "")
        self.pos_api_text.setText(f"{self.shell.tr.pick('终端接口 / Terminal API')}: {pos_api}"
                                  if pos_api else "")
        self.elder_button.setText(self.t("attract.elder_off" if self.shell.elder
                                         else "attract.elder_on"))
        self.enrol_button.setText(self.t("attract.enrol"))
        self.staff_amount_button.setText(self.t("tech.staff_amount"))
        self.staff_amount_button.setVisible(self.shell.shopper_facing)
        self.exit_button.setText(self.t("tech.exit"))
        self.back_button.setText(self.t("common.back"))
