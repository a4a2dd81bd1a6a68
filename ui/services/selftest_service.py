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
        try:
            from ui.diagnostics import catalogue, runner  # noqa: F401
            self._problem = ""
        except ImportError as exc:
            self._problem = (f"自检模块不可用（{exc.name}）/ The self-test module is not "
                             f"installed ({exc.name})")

    def stop(self) -> None:
        self._worker.stop()

    def capability(self) -> Capability:
        return Capability(not self._problem, self._problem)

    def run(self) -> None:
        self._worker.submit(self._run, capability="selftest")

    def _run(self) -> None:
        from ui.diagnostics.catalogue import select_checks
        from ui.diagnostics.environment import DiagEnvironment
        from ui.diagnostics.runner import run_checks
        report = run_checks(select_checks(None), DiagEnvironment.from_context(self._ctx))
        lines = tuple((r.title or r.name, r.status.value, r.message) for r in report.results)
        self._bridge.selftest_finished.emit(SelfTestView(report.overall.value, lines))
