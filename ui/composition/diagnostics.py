"""The diagnostics' environment and the kiosk's self-test, built from the run's context.

The checks (``ui.diagnostics``) only see a ``DiagEnvironment``: plain settings, paths
and callables; they never import the composition root.
"""

from __future__ import annotations

from typing import Any

from ui.composition.context import AppContext
from ui.diagnostics.environment import DiagEnvironment
from ui.services.views import SelfTestView


def diag_environment(ctx: AppContext, **options: Any) -> DiagEnvironment:
    """The checks' inputs for this run (``options``: interactive, say, print_test_page…)."""
    return DiagEnvironment.from_context(ctx, **options)


def selftest_runner(ctx: AppContext):
    """What the technician screen's self-test runs: every check, as a view."""
    def run() -> SelfTestView:
        # Imported here: the checks pull in every driver, which start-up does not need.
        from ui.diagnostics.catalogue import select_checks
        from ui.diagnostics.runner import run_checks
        report = run_checks(select_checks(None), diag_environment(ctx))
        lines = tuple((r.title or r.name, r.status.value, r.message) for r in report.results)
        return SelfTestView(report.overall.value, lines)
    return run
