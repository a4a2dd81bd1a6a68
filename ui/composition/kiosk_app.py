"""Building the QApplication and the kiosk window for ``payterm run`` and the demo."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from terminal.settings.kiosk_section import KioskMode
from ui.i18n import Language, Translator
from ui.kiosk.shell import Shell, ShellOptions
from ui.kiosk.theme import pick_font_family
from ui.technician_pin import technician_pin
from ui.voice import Voice

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The one QApplication, with a font that has Chinese glyphs."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("payterm")
    family = pick_font_family()
    app.setFont(QFont(family, 12))
    log.info("font %s", family)
    return app


def install_wedge_scanner(app: QApplication, shell: Shell, settings) -> object:
    """Scanner-gun input anywhere: keystroke bursts become codes, typing stays typing."""
    from ui.kiosk.wedge_scanner_filter import WedgeScannerFilter
    wedge = WedgeScannerFilter(max_gap_ms=settings.scanner.wedge_max_gap_ms,
                               min_length=settings.scanner.wedge_min_length, parent=shell)
    wedge.code_scanned.connect(shell.deliver_code)
    app.installEventFilter(wedge)
    return wedge


def build_shell(ctx, services, *, mode: KioskMode | str | None = None) -> Shell:
    settings = ctx.settings
    kiosk = settings.kiosk
    mode = KioskMode(mode or kiosk.mode)
    tr = Translator(Language(kiosk.language))
    voice = Voice(enabled=kiosk.voice_enabled)
    services.stoppers.insert(0, voice.stop)
    options = ShellOptions(mode=mode, full_screen=kiosk.full_screen or mode is KioskMode.KIOSK,
                           hide_cursor=kiosk.hide_cursor, elder=kiosk.elder_mode)
    shell = Shell(services, settings, tr=tr, voice=voice, pin=technician_pin(ctx),
                  options=options)
    return shell


def serve_pos_api(ctx, shell: Shell, services):
    """The Terminal API beside the window: a payment the POS starts takes over the
    screen (its amount, no keypad) and returns to the idle screen afterwards. A problem
    (no host keys, the port taken) is logged and shown on the technician screen; the
    kiosk runs on without the API."""
    if not ctx.settings.pos_api.enabled:
        return None
    from terminal.errors import TerminalError
    from ui.composition.terminal_api import start_terminal_api
    from ui.kiosk.pos_link import PosLink
    link = PosLink(shell)
    screen = shell.screen("pos_payment")

    def take_over(sale: dict) -> None:
        current = shell.current()
        if current is not screen and getattr(current, "busy", False):
            link.refuse_busy()          # a cashier's payment is in flight on the screen
            return
        shell.go("pos_payment", sale=sale, link=link)

    link.payment_started.connect(take_over)
    link.progress.connect(screen.on_progress)
    try:
        running = start_terminal_api(ctx, customer_input=link)
    except TerminalError as exc:
        log.warning("Terminal API not started: %s", exc)
        shell.pos_api_status = f"终端接口未启动 / Terminal API not started: {exc}"
        return None
    running.engine.deps.events.add_listener(link.on_event)
    creds = running.credentials
    shell.pos_api_status = (f"{creds.url}  TLS sha256 {creds.tls_sha256}"
                            if creds.tls_sha256 else creds.url)
    services.stoppers.insert(0, running.stop)
    return running


def run_kiosk(ctx, *, mode: KioskMode | str | None = None) -> int:
    """``payterm run``: the window on the configured devices, until the technician exits."""
    from ui.composition.kiosk_services import build_services
    app = application()
    services = build_services(ctx)
    shell = build_shell(ctx, services, mode=mode)
    install_wedge_scanner(app, shell, ctx.settings)
    serve_pos_api(ctx, shell, services)
    shell.start()
    try:
        return app.exec()
    finally:
        services.stop()
