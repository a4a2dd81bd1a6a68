"""All the services one kiosk window uses, typed by what the screens may call
(``ui.services.interfaces``), and how they are stopped together."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from ui.services.bridge import ServiceBridge
from ui.services.interfaces import (CameraService, EndOfDayService, EnrolmentService,
                                    FacePayService, LogService, PaymentService, PrintService,
                                    SelfTestService, SettingsService, StatusService,
                                    TransactionService)

log = logging.getLogger(__name__)


@dataclass
class KioskServices:
    bridge: ServiceBridge
    payments: PaymentService
    transactions: TransactionService
    printing: PrintService
    end_of_day: EndOfDayService
    status: StatusService
    camera: CameraService
    face_pay: FacePayService
    enrolment: EnrolmentService
    selftest: SelfTestService
    settings_editor: SettingsService
    logs: LogService
    stoppers: list[Callable[[], Any]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop every worker (each joins with its own timeout), newest first."""
        while self.stoppers:
            stopper = self.stoppers.pop()
            try:
                stopper()
            except Exception:  # stopping must go on for the rest
                log.exception("stopping a service failed")
