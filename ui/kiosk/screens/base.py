"""What every screen has: the window it lives in (a ``ScreenHost``), language refresh
and enter/leave hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

if TYPE_CHECKING:
    from ui.kiosk.screens.screen_host import ScreenHost


class Screen(QWidget):
    #: Name used by ``Shell.go``.
    name = ""
    #: The idle timeout returns home from every screen except home itself.
    is_home = False

    def __init__(self, shell: "ScreenHost") -> None:
        super().__init__()
        self.shell = shell
        self.setObjectName(f"screen_{self.name}")
        shell.tr.language_changed.connect(lambda _lang: self.retranslate())

    def t(self, key: str, **values) -> str:
        return self.shell.tr.t(key, **values)

    def entered(self, **params) -> None:
        """Called when the screen is shown; ``params`` come from ``Shell.go``."""

    def left(self) -> None:
        """Called when another screen replaces this one: stop cameras and timers."""

    def retranslate(self) -> None:
        """Set every text again in the current language."""

    def restyle(self, elder: bool) -> None:
        """Elder mode or the app's mode changed: adapt what a style sheet cannot."""


def button(name: str, role: str = "") -> QPushButton:
    widget = QPushButton()
    widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    return widget


def label(name: str, role: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if role:
        widget.setProperty("role", role)
    return widget


def set_role(widget: QWidget, role: str) -> None:
    """Change a style role and make the style sheet notice."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
