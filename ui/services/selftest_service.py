"""The technician's self-test: the diagnostics checks, run on a worker.

The checks themselves are given by the composition root (``run_checks`` returns the
view), so this service needs nothing from the diagnostics package.
"""

from __future__ import annotations

import logging
from typing import Callable

from ui.services.views import Capability, SelfTestView
from ui.services.worker import ServiceWorker

log = logging.getLogger(__name__)


class SelfTestService:
    def __init__(self, bridge, run_checks: Callable[[], SelfTestView]) -> None:
        self._bridge = bridge
        self._run_checks = run_checks
        self._worker = ServiceWorker("selftest", bridge.task_failed.emit)

    def stop(self) -> None:
        self._worker.stop()

    def capability(self) -> Capability:
        # The checks ship in this package; what a device lacks is in the report itself.
        return Capability(True, "")

    def run(self) -> None:
        self._worker.submit(self._run, capability="selftest")

    def _run(self) -> None:
        self._bridge.selftest_finished.emit(self._run_checks())
