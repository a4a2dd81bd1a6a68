"""The offline banner: host reachability, unsynced count and amount, unresolved count."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from terminal.money import format_amount
from ui.i18n import Translator
from ui.services.views import TerminalStatus


class StatusBanner(QLabel):
    def __init__(self, tr: Translator, parent=None) -> None:
        super().__init__(parent)
        self._tr = tr
        self._status: TerminalStatus | None = None
        self.setWordWrap(True)
        self.hide()

    @property
    def status(self) -> TerminalStatus | None:
        return self._status

    def show_status(self, status: TerminalStatus) -> None:
        self._status = status
        self.retranslate()

    def retranslate(self) -> None:
        s = self._status
        if s is None:
            return
        parts = []
        if not s.host_online:
            parts.append(self._tr.t("banner.offline"))
        if s.unsynced_count:
            parts.append(self._tr.t("banner.unsynced", count=s.unsynced_count,
                                    amount=format_amount(s.unsynced_fen)))
        if s.unresolved_count:
            parts.append(self._tr.t("banner.unresolved", count=s.unresolved_count))
        if s.exception_count:
            parts.append(self._tr.t("banner.exceptions", count=s.exception_count))
        if not parts:
            self.hide()
            return
        self.setText("  ·  ".join(parts))
        self.setProperty("role", "banner-offline" if not s.host_online else "banner-online")
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
