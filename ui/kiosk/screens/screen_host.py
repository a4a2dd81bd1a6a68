"""What a screen may use of the window it lives in, as a Protocol.

Screens get their host passed in and never import the shell (``ui.kiosk.shell``
imports the screens, not the other way round): the host gives them the services, the
settings, the translator, the voice and the PIN, and moves between screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from terminal.settings.kiosk_section import KioskMode
from terminal.settings.model import Settings
from ui.i18n import Translator
from ui.services.bridge import ServiceBridge
from ui.services.container import KioskServices
from ui.technician_pin import TechnicianPin
from ui.voice import Voice

if TYPE_CHECKING:
    from ui.kiosk.screens.base import Screen
    from ui.kiosk.watchdog import StallWatchdog


class WindowOptions(Protocol):
    @property
    def mode(self) -> KioskMode:
        """Which app runs: the cashier's lane or the self-service kiosk."""


class ScreenHost(Protocol):
    services: KioskServices
    bridge: ServiceBridge
    settings: Settings
    tr: Translator
    voice: Voice
    pin: TechnicianPin
    elder: bool

    @property
    def options(self) -> WindowOptions:
        """How the window runs (its mode)."""

    @property
    def watchdog(self) -> "StallWatchdog":
        """The GUI-stall watchdog (the technician screen shows its longest stall)."""

    def go(self, name: str, **params: Any) -> None:
        """Show screen ``name``; ``params`` go to its ``entered``."""

    def go_home(self) -> None:
        """Back to the home screen of the current mode."""

    def current(self) -> "Screen":
        """The screen shown now."""

    def show_error(self, sentence: str) -> None:
        """Show a bilingual sentence for a while."""

    def result_timeout_s(self) -> float:
        """How long a result stays on screen (longer in elder mode)."""

    def set_elder(self, elder: bool) -> None:
        """Switch elder mode (large type) on or off."""

    def allow_exit(self) -> None:
        """Let the window close (technician only, behind the PIN)."""

    def close(self) -> bool:
        """Close the window."""
