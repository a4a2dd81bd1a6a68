"""All the services one kiosk window uses, and how they are stopped together."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from ui.services.bridge import ServiceBridge

log = logging.getLogger(__name__)


@dataclass
class KioskServices:
    bridge: ServiceBridge
    payments: Any           # interfaces.PaymentService
    transactions: Any       # interfaces.TransactionService
    printing: Any           # interfaces.PrintService
    end_of_day: Any         # interfaces.EndOfDayService
    status: Any             # interfaces.StatusService
    camera: Any             # interfaces.CameraService
    face_pay: Any           # interfaces.FacePayService
    enrolment: Any          # interfaces.EnrolmentService
    selftest: Any           # interfaces.SelfTestService
    settings_editor: Any    # ui.services.settings_editor.SettingsEditor
    logs: Any               # ui.services.log_reader.LogReader
    stoppers: list[Callable[[], Any]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop every worker (each joins with its own timeout), newest first."""
        while self.stoppers:
            stopper = self.stoppers.pop()
            try:
                stopper()
            except Exception:  # stopping must go on for the rest
                log.exception("stopping a service failed")
