"""The demo driving itself: ``--autopilot`` takes one payment-code payment through the
real window (keypad, tender button, camera decode, host, receipt) and exits 0 when it
was approved and the receipt printed; ``--screenshot-dir`` also tours the main screens
and saves a PNG of each.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

PAYMENT_TIMEOUT_MS = 90_000
AMOUNT_KEYS = "12.34"


class Autopilot:
    def __init__(self, shell, console, *, screenshot_dir: str | None, drive_payment: bool):
        self.shell = shell
        self.console = console
        self.dir = Path(screenshot_dir) if screenshot_dir else None
        self.active = drive_payment or self.dir is not None
        self.exit_code = 1
        self._steps: list = []
        self._deadline = QTimer()
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(lambda: self._finish(1, "autopilot timed out"))
        self.approved_trade = ""
        self.events: dict[str, int] = {}
        bridge = shell.bridge
        bridge.status_changed.connect(
            lambda status: status.host_online and self._count("host_online")())
        for name in ("receipt_printed", "transactions_loaded",
                     "end_of_day_finished", "status_changed", "face_identified",
                     "face_failed"):
            getattr(bridge, name).connect(self._count(name))
        # Payments answer the screen that started them: watch that screen.
        shell.screen("result").payment_shown.connect(self._on_payment_shown)

    def start(self) -> None:
        if not self.active:
            return
        self._deadline.start(PAYMENT_TIMEOUT_MS * (3 if self.dir else 1))
        self._steps = self._payment_steps() + (self._tour_steps() if self.dir else [])
        QTimer.singleShot(1500, self._next)

    # -- step machinery ---------------------------------------------------------------
    def _next(self) -> None:
        if not self._steps:
            self._finish(0, "autopilot finished")
            return
        action, wait = self._steps.pop(0)
        before = dict(self.events)
        action()
        if isinstance(wait, int):
            QTimer.singleShot(wait, self._next)
            return
        name, timeout_ms = wait
        if ">=" in name:        # "receipt_printed>=1": may have happened already
            name, _, least = name.partition(">=")
            self._poll(lambda: self.events.get(name, 0) >= int(least), timeout_ms)
        else:                   # "name": must happen after this step's action
            self._poll(lambda: self.events.get(name, 0) > before.get(name, 0), timeout_ms)

    def _poll(self, done, timeout_ms: int) -> None:
        """Go on when ``done()`` holds (checked every 100 ms) or after ``timeout_ms``."""
        if done():
            QTimer.singleShot(800, self._next)
        elif timeout_ms <= 0:
            log.warning("autopilot: a step did not finish in time")
            self._next()
        else:
            QTimer.singleShot(100, lambda: self._poll(done, timeout_ms - 100))

    def _count(self, name: str):
        def count(*_args):
            self.events[name] = self.events.get(name, 0) + 1
        return count

    def _finish(self, code: int, why: str) -> None:
        self._deadline.stop()
        self.exit_code = code
        log.info("%s (exit %d)", why, code)
        self.shell.allow_exit()
        QApplication.instance().exit(code)

    def _shot(self, name: str):
        def take():
            if self.dir is not None:
                self.dir.mkdir(parents=True, exist_ok=True)
                self.shell.grab().save(str(self.dir / f"{name}.png"))
                log.info("screenshot %s", name)
        return take

    # -- the payment ------------------------------------------------------------------
    def _payment_steps(self) -> list:
        sale = self.shell.screen("sale")
        steps = [
            (lambda: self.shell.go("sale"), 300),
            (lambda: sale.keypad.press(AMOUNT_KEYS), 400),
            (self._shot("cashier_sale"), 100),
            (lambda: sale.tender_buttons["wallet"].click(),
             ("payment_approved", PAYMENT_TIMEOUT_MS)),
            (self._check_approved, ("receipt_printed>=1", 20_000)),
        ]
        return steps

    def _on_payment_shown(self, view) -> None:
        if view.outcome.value != "approved":
            return
        self._count("payment_approved")()
        if not self.approved_trade:
            self.approved_trade = view.out_trade_no
            log.info("autopilot: payment approved %s %d fen", view.out_trade_no,
                     view.amount_fen)

    def _check_approved(self) -> None:
        if not self.approved_trade:
            self._finish(1, "autopilot: the payment was not approved")

    def _enrol_consent(self) -> None:
        """Staff typed the member's details; the member reads the consent."""
        self.shell.go("enrol")
        enrol = self.shell.screen("enrol")
        enrol.member_id.setText("M0042")
        enrol.phone.setText("13800004321")
        enrol.next_button.click()

    # -- the screenshot tour ------------------------------------------------------------
    def _tour_steps(self) -> list:
        shell = self.shell
        kiosk_amount = 1880
        challenge_amount = shell.settings.face.challenge_amount_fen + 8800

        def kiosk_mode(on: bool):
            return lambda: shell.set_mode("kiosk" if on else "cashier")

        def close_day():
            shell.go("eod")
            shell.screen("eod").close_day()

        return [
            (self._shot("cashier_result_approved"), 200),
            (lambda: shell.go("transactions"), ("transactions_loaded", 10_000)),
            (self._shot("cashier_transactions"), 100),
            (close_day, ("end_of_day_finished", 20_000)),
            (self._shot("cashier_end_of_day"), 100),
            (self.console.toggle_host, 100),
            (lambda: shell.go("sale"), 5000),
            (self._shot("cashier_offline_banner"), 100),
            (self.console.toggle_host, 100),
            (lambda: None, ("host_online", 30_000)),
            (shell.tr.toggle, 300),
            (self._shot("cashier_sale_english"), 100),
            (shell.tr.toggle, 100),
            (kiosk_mode(True), 500),
            (self._shot("kiosk_attract"), 100),
            (lambda: shell.screen("attract").present_amount(kiosk_amount), 400),
            (self._shot("kiosk_pay_choice"), 100),
            (lambda: shell.screen("attract").face_button.click(), 100),
            (lambda: None, ("face_identified>=1", 15_000)),
            (self._shot("kiosk_confirm"), 100),
            # The processing state is shown the moment the shopper confirms.
            (lambda: (shell.screen("confirm").confirm_button.click(),
                      self._shot("kiosk_processing")()),
             ("payment_approved>=2", 15_000)),
            (self._shot("kiosk_result_member"), 100),
            (lambda: shell.set_elder(True), 400),
            (self._shot("kiosk_elder_result"), 100),
            (lambda: shell.go("attract"), 200),
            (lambda: shell.screen("attract").present_amount(kiosk_amount), 400),
            (self._shot("kiosk_elder_mode"), 100),
            (lambda: shell.set_elder(False), 100),
            # Above face.challenge_amount_fen liveness asks for a blink, which the demo's
            # still photo never gives: the face screen stays on its prompt.
            (lambda: shell.go("face", amount_fen=challenge_amount), 3000),
            (self._shot("kiosk_face"), 100),
            (lambda: shell.go("pin", next="technician"), 300),
            (self._shot("pin"), 100),
            (self._enrol_consent, 300),
            (self._shot("kiosk_enrol_consent"), 100),
            (kiosk_mode(False), 200),
            (lambda: shell.go("technician"), 800),
            (self._shot("technician_settings"), 100),
        ]
