"""End of day: close the day and show the Z-report, or say what blocks closing."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout

from ui.kiosk.screens.base import Screen, button, label, set_role


class EndOfDayScreen(Screen):
    name = "eod"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.result = None
        self.headline = label("eod_headline", "title")
        self.report = QPlainTextEdit()
        self.report.setObjectName("eod_report")
        self.report.setReadOnly(True)
        self.report.setFont(QFont("WenQuanYi Micro Hei Mono", 12))
        self.close_button = button("eod_close", "primary")
        self.close_button.clicked.connect(self.close_day)
        self.back_button = button("eod_back")
        self.back_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.report, 1)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.close_button, 2)
        layout.addLayout(row)
        shell.bridge.end_of_day_finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        return not self.close_button.isEnabled()

    def entered(self, **params) -> None:
        self.result = None
        self.report.clear()
        self.close_button.setEnabled(True)
        self.retranslate()

    def close_day(self) -> None:
        self.close_button.setEnabled(False)
        self.headline.setText(self.t("eod.closing"))
        self.shell.services.end_of_day.close_day()

    def _on_finished(self, view) -> None:
        self.result = view
        self.close_button.setEnabled(True)
        self.retranslate()

    def task_failed(self, capability: str, sentence: str) -> None:
        self.close_button.setEnabled(True)

    def retranslate(self) -> None:
        view = self.result
        if view is None:
            self.headline.setText(self.t("eod.intro"))
            set_role(self.headline, "title")
        elif view.closed:
            self.headline.setText(self.t("eod.closed"))
            set_role(self.headline, "outcome-approved")
        else:
            self.headline.setText(self.t("eod.blocked"))
            set_role(self.headline, "outcome-declined")
        if view is not None:
            lines = [self.shell.tr.pick(b) for b in view.blockers]
            self.report.setPlainText("\n".join(lines + ([""] if lines else []) +
                                               [view.report_text]))
        self.close_button.setText(self.t("eod.close"))
        self.back_button.setText(self.t("common.back"))
