"""The status banner: host reachability, unsynced count and amount, unresolved count, and
the alarm for payments held because the host's answers were not about them (shoppers at
a self-service kiosk only see that staff is needed, never other people's payments)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QLabel

from terminal.money import format_amount
from ui.i18n import Translator
from ui.services.views import TerminalStatus


class StatusBanner(QLabel):
    def __init__(self, tr: Translator, parent=None, *,
                 staff_view: Callable[[], bool] = lambda: True) -> None:
        super().__init__(parent)
        self._tr = tr
        self._staff_view = staff_view
        self._status: TerminalStatus | None = None
        self._news = False
        self.setWordWrap(True)
        self.hide()

    @property
    def status(self) -> TerminalStatus | None:
        return self._status

    def has_news(self) -> bool:
        """Something to tell staff (the banner is hidden when all is well)."""
        return self._news

    def show_status(self, status: TerminalStatus) -> None:
        self._status = status
        self.retranslate()

    def retranslate(self) -> None:
        s = self._status
        if s is None:
            return
        parts = []
        if s.held_count:
            parts.append(self._tr.t("banner.held", count=s.held_count) if self._staff_view()
                         else self._tr.t("banner.staff_needed"))
        if not s.host_online:
            parts.append(self._tr.t("banner.offline"))
        if s.unsynced_count:
            parts.append(self._tr.t("banner.unsynced", count=s.unsynced_count,
                                    amount=format_amount(s.unsynced_fen)))
        if s.unresolved_count:
            parts.append(self._tr.t("banner.unresolved", count=s.unresolved_count))
        if s.exception_count:
            parts.append(self._tr.t("banner.exceptions", count=s.exception_count))
        self._news = bool(parts)
        if not parts:
            self.hide()
            return
        self.setText("  ·  ".join(parts))
        role = ("banner-alarm" if s.held_count else
                "banner-offline" if not s.host_online else "banner-online")
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(self._staff_view())


class StatusDot(QLabel):
    """What a shopper sees of the terminal's state: a small dot (with a symbol, never
    colour alone) that staff read at a glance; the details stay on the staff screens."""

    LOOKS = {"ok": ("●", "#12b76a"), "offline": ("◐", "#f79009"), "staff": ("▲", "#f04438")}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.state = "ok"
        self._tr: Translator | None = None
        self._paint()

    def show_status(self, status: TerminalStatus) -> None:
        self.state = ("staff" if status.held_count else
                      "offline" if not status.host_online else "ok")
        self._paint()

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self._paint()

    def _paint(self) -> None:
        symbol, colour = self.LOOKS[self.state]
        self.setText(symbol)
        self.setStyleSheet(f"color: {colour}; background: transparent; padding: 0 8px;")
        if self._tr is not None:
            self.setToolTip(self._tr.t(f"dot.{self.state}"))
