"""The technician's self-test: the diagnostics checks (``ui.diagnostics``) on a worker."""

from __future__ import annotations

import logging

from ui.services.views import Capability, SelfTestView
from ui.services.worker import ServiceWorker

log = logging.getLogger(__name__)


class SelfTestService:
    def __init__(self, bridge, ctx) -> None:
        self._bridge = bridge
        self._ctx = ctx
        self._worker = ServiceWorker("selftest", bridge.task_failed.emit)

    def stop(self) -> None:
        self._worker.stop()

    def capability(self) -> Capability:
        # The checks ship in this package; what a device lacks is in the report itself.
        return Capability(True, "")

    def run(self) -> None:
        self._worker.submit(self._run, capability="selftest")

    def _run(self) -> None:
        # Imported here: the checks pull in every driver, which start-up does not need.
        from ui.diagnostics.catalogue import select_checks
        from ui.diagnostics.environment import DiagEnvironment
        from ui.diagnostics.runner import run_checks
        report = run_checks(select_checks(None), DiagEnvironment.from_context(self._ctx))
        lines = tuple((r.title or r.name, r.status.value, r.message) for r in report.results)
        self._bridge.selftest_finished.emit(SelfTestView(report.overall.value, lines))
