"""The main window: a stack of screens, the top bar, idle and error handling, hardening.

The shell is what screens talk to: ``go(name, **params)`` to move, ``services`` to act,
``tr`` for text, ``show_error`` for a sentence that says what to do. It never runs a
device or network call itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from terminal.settings.kiosk_section import KioskMode
from terminal.settings.model import Settings
from ui.i18n import Translator
from ui.kiosk.screens.base import Screen
from ui.kiosk.theme import style_sheet
from ui.kiosk.watchdog import StallWatchdog
from ui.kiosk.widgets.long_press import LongPress
from ui.kiosk.widgets.status_banner import StatusBanner, StatusDot
from ui.services.container import KioskServices
from ui.technician_pin import TechnicianPin
from ui.voice import Voice

log = logging.getLogger(__name__)

PANEL_WIDTH, PANEL_HEIGHT = 1280, 800
_USER_INPUT = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin)


@dataclass
class ShellOptions:
    mode: KioskMode = KioskMode.CASHIER
    full_screen: bool = False
    hide_cursor: bool = False
    elder: bool = False

    def __post_init__(self) -> None:
        self.mode = KioskMode(self.mode)


class _InputWatcher(QObject):
    """Restarts the idle timer on any touch, click or key anywhere in the app."""

    def __init__(self, on_input) -> None:
        super().__init__()
        self._on_input = on_input

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() in _USER_INPUT:
            self._on_input()
        return False


class Shell(QMainWindow):
    def __init__(self, services: KioskServices, settings: Settings, *, tr: Translator,
                 voice: Voice, pin: TechnicianPin, options: ShellOptions) -> None:
        super().__init__()
        self.services = services
        self.bridge = services.bridge
        self.settings = settings
        self.tr = tr
        self.voice = voice
        self.pin = pin
        self.options = options
        self.elder = options.elder
        self._exit_allowed = False
        self.setObjectName("shell")
        self.watchdog = StallWatchdog(warn_ms=settings.kiosk.stall_warn_ms, parent=self)
        self._screens: dict[str, Screen] = {}
        self._build_chrome()
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.timeout.connect(self.error_label.hide)
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(services.status.refresh)
        self._input_watcher = _InputWatcher(self.touch_idle)
        self.bridge.task_failed.connect(self._on_task_failed)
        self.bridge.status_changed.connect(self._on_status)
        self.bridge.code_scanned.connect(self.deliver_code)
        tr.language_changed.connect(lambda _l: self._retranslate())
        self._add_screens()
        self.apply_theme()
        self._retranslate()

    # -- building -------------------------------------------------------------------
    def _build_chrome(self) -> None:
        root = QWidget()
        layout = QVBoxLayout(root)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setProperty("role", "title")
        self.language_button = QPushButton()
        self.language_button.setObjectName("language_button")
        self.language_button.clicked.connect(self.tr.toggle)
        self.technician_button = QPushButton("⚙")
        self.technician_button.setObjectName("technician_button")
        self.technician_button.clicked.connect(self.open_staff_entry)
        self.status_dot = StatusDot()
        self.status_dot.setObjectName("status_dot")
        bar.addWidget(self.title, 1)
        bar.addWidget(self.status_dot)
        bar.addWidget(self.language_button)
        bar.addWidget(self.technician_button)
        layout.addLayout(bar)
        # Kiosk mode: staff get in by holding the title (top-left corner), then the PIN.
        self.staff_entry = LongPress(self.title, self.open_staff_entry)
        self.banner = StatusBanner(
            self.tr, staff_view=lambda: self.options.mode is not KioskMode.KIOSK)
        self.banner.setObjectName("status_banner")
        layout.addWidget(self.banner)
        self.error_label = QLabel(root)
        self.error_label.setObjectName("error_label")
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()     # floats over the screen's top: never grows the window
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(root)

    def _add_screens(self) -> None:
        from ui.kiosk.screens.registry import all_screens
        for cls in all_screens():
            screen = cls(self)
            self._screens[cls.name] = screen
            self.stack.addWidget(screen)

    # -- navigation -----------------------------------------------------------------
    @property
    def home(self) -> str:
        return "attract" if self.options.mode is KioskMode.KIOSK else "sale"

    def screen(self, name: str) -> Screen:
        return self._screens[name]

    def current(self) -> Screen:
        return self.stack.currentWidget()

    def go(self, name: str, **params) -> None:
        """Show screen ``name``; the previous one is told to stop its work first."""
        target = self._screens[name]
        previous = self.stack.currentWidget()
        if previous is not None and previous is not target:
            previous.left()
        self.stack.setCurrentWidget(target)
        log.info("screen %s", name)
        target.entered(**params)
        self.touch_idle()

    def go_home(self) -> None:
        self.go(self.home)

    @property
    def shopper_facing(self) -> bool:
        """A self-service kiosk: shoppers use it, staff information stays hidden."""
        return self.options.mode is KioskMode.KIOSK

    def open_staff_entry(self) -> None:
        self.go("pin", next="technician")

    def set_mode(self, mode: KioskMode | str) -> None:
        """Switch between the cashier and the self-service app (technician, demo)."""
        self.options.mode = KioskMode(mode)
        self.apply_theme()
        self._retranslate()
        self.go_home()

    def start(self) -> None:
        """Show the window as the settings ask and start the timers."""
        QApplication.instance().installEventFilter(self._input_watcher)
        self.watchdog.start()
        self._status_timer.start(int(self.settings.kiosk.status_refresh_s * 1000))
        self.services.status.refresh()
        screen = QApplication.primaryScreen().geometry()
        if self.options.mode is KioskMode.KIOSK or self.options.full_screen:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            # Under a bare X server (no window manager) "full screen" is only a hint:
            # the geometry makes the window cover the panel there too.
            self.setGeometry(screen)
            self.showFullScreen()
        else:
            self.resize(min(PANEL_WIDTH, screen.width()), min(PANEL_HEIGHT, screen.height()))
            self.show()
        if self.options.mode is KioskMode.KIOSK and self.options.hide_cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
        self.go_home()

    # -- idle, errors, codes --------------------------------------------------------
    def idle_timeout_s(self) -> float:
        k = self.settings.kiosk
        return k.elder_idle_timeout_s if self.elder else k.idle_timeout_s

    def result_timeout_s(self) -> float:
        k = self.settings.kiosk
        return k.elder_result_screen_s if self.elder else k.result_screen_s

    def touch_idle(self) -> None:
        self._idle.start(int(self.idle_timeout_s() * 1000))

    def _on_idle(self) -> None:
        current = self.current()
        if current is not None and not current.is_home and not getattr(current, "busy", False):
            log.info("idle timeout on %s: back to %s", current.name, self.home)
            self.go_home()
        self.touch_idle()

    def show_error(self, sentence: str) -> None:
        """Show a bilingual sentence (in the current language) for a while."""
        self.error_label.setText(self.tr.pick(sentence))
        top = self.stack.geometry().top()
        width = self.centralWidget().width() - 32
        self.error_label.setGeometry(16, top, width, self.error_label.heightForWidth(width))
        self.error_label.show()
        self.error_label.raise_()
        self._error_timer.start(int(self.result_timeout_s() * 1000))

    def _on_task_failed(self, capability: str, sentence: str) -> None:
        self.show_error(sentence)
        handler = getattr(self.current(), "task_failed", None)
        if handler is not None:
            handler(capability, sentence)

    def deliver_code(self, text: str) -> None:
        """A code from the scanner gun or the camera goes to the screen that wants it."""
        handler = getattr(self.current(), "on_code", None)
        if handler is not None:
            handler(text)
        else:
            self.show_error(self.tr.t("error.code_not_now"))

    # -- look -----------------------------------------------------------------------
    def set_elder(self, elder: bool) -> None:
        self.elder = elder
        self.apply_theme()
        self._retranslate()
        current = self.current()
        if current is not None:
            current.retranslate()
        self.touch_idle()

    def apply_theme(self) -> None:
        self.setStyleSheet(style_sheet(self.elder))
        for screen in self._screens.values():
            screen.restyle(self.elder)

    def _on_status(self, status) -> None:
        self.banner.show_status(status)
        self.status_dot.show_status(status)
        self._show_chrome()

    def _show_chrome(self) -> None:
        """Shoppers see a status dot, staff the banner; no ⚙ or English in elder mode."""
        shopper = self.shopper_facing
        self.technician_button.setVisible(not shopper)
        self.status_dot.setVisible(shopper)
        self.banner.setVisible(not shopper and self.banner.has_news())
        self.language_button.setVisible(not (shopper and self.elder))

    def _retranslate(self) -> None:
        self.title.setText(self.tr.t("app.title_kiosk" if self.options.mode is KioskMode.KIOSK
                                     else "app.title_cashier"))
        self.language_button.setText(self.tr.t("app.other_language"))
        self.banner.retranslate()
        self.status_dot.retranslate(self.tr)
        self._show_chrome()

    # -- hardening ------------------------------------------------------------------
    def allow_exit(self) -> None:
        """Only the technician screen calls this (behind the PIN)."""
        self._exit_allowed = True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.options.mode is KioskMode.KIOSK and not self._exit_allowed:
            log.info("close refused: kiosk mode needs the technician PIN")
            event.ignore()
            return
        current = self.current()
        if current is not None:
            current.left()
        self.watchdog.stop()
        QApplication.instance().removeEventFilter(self._input_watcher)
        if self.options.mode is KioskMode.KIOSK and self.options.hide_cursor:
            QApplication.restoreOverrideCursor()
        event.accept()
