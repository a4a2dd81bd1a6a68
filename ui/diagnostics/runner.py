"""Running checks in parallel, each with its own time limit.

Checks that share a device (``CheckSpec.group``) run one after another in one worker;
groups run side by side. A check that overruns its limit is reported as a failure
("hung") and its cancel event is set; its thread is a daemon, so a device stuck in a
blocking driver call cannot keep ``payterm diag`` from finishing.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable

from terminal.errors import TerminalError
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, Status, failed, worst
from ui.diagnostics.spec import CheckSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiagReport:
    results: tuple[CheckResult, ...]
    started_at_epoch_s: float
    duration_s: float
    facts: dict = field(default_factory=dict)     # terminal id, version, host name

    @property
    def overall(self) -> Status:
        return worst(list(self.results))

    @property
    def exit_code(self) -> int:
        """0 when nothing failed (warnings included), 1 when any check failed."""
        return 1 if self.overall is Status.FAIL else 0

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for r in self.results if r.status is s) for s in Status}

    def to_dict(self) -> dict:
        return {"overall": self.overall.value, "exit_code": self.exit_code,
                "started_at_epoch_s": round(self.started_at_epoch_s, 3),
                "duration_s": round(self.duration_s, 3), "counts": self.counts(),
                "facts": self.facts, "checks": [r.to_dict() for r in self.results]}


def run_checks(specs: Iterable[CheckSpec], env: DiagEnvironment, *,
               facts: dict | None = None) -> DiagReport:
    """Run ``specs`` and return their results in the order given."""
    specs = list(specs)
    started_wall, started = time.time(), time.monotonic()
    groups: dict[str, list[CheckSpec]] = {}
    for spec in specs:
        groups.setdefault(spec.group_key(), []).append(spec)
    results: dict[str, CheckResult] = {}
    workers = []
    for key, members in groups.items():
        worker = threading.Thread(target=_run_group, args=(members, env, results),
                                  name=f"diag-{key}", daemon=True)
        worker.start()
        budget = sum(spec.timeout_s(env.settings) for spec in members) + 1.0
        workers.append((worker, budget))
    for worker, budget in workers:
        worker.join(timeout=max(0.0, started + budget - time.monotonic()))
    ordered = tuple(results.get(spec.name) or
                    failed("检查未完成 / The check did not finish",
                           "重启终端后再试 / Restart the terminal and try again")
                    .named(spec.name, spec.title, time.monotonic() - started)
                    for spec in specs)
    return DiagReport(ordered, started_wall, time.monotonic() - started, dict(facts or {}))


def _run_group(members: list[CheckSpec], env: DiagEnvironment,
               results: dict[str, CheckResult]) -> None:
    for spec in members:
        results[spec.name] = run_one(spec, env)


def run_one(spec: CheckSpec, env: DiagEnvironment) -> CheckResult:
    """Run one check in its own thread and wait at most its time limit."""
    limit_s = spec.timeout_s(env.settings)
    cancel = threading.Event()
    box: list[CheckResult] = []
    started = time.monotonic()

    def target() -> None:
        box.append(_guarded(spec, env.with_cancel(cancel)))

    thread = threading.Thread(target=target, name=f"diag-check-{spec.name}", daemon=True)
    thread.start()
    thread.join(timeout=limit_s)
    elapsed = time.monotonic() - started
    if thread.is_alive() or not box:
        cancel.set()
        log.warning("diagnostic check %s hung for %.1f s", spec.name, elapsed)
        return failed(f"检查超时（{limit_s:g} 秒无响应）/ No answer within {limit_s:g} s: "
                      "the device or service seems hung",
                      "检查连线，断电重启该设备后再试 / Check the cable, power-cycle the "
                      "device and run the check again",
                      timeout_s=limit_s).named(spec.name, spec.title, elapsed)
    return box[0].named(spec.name, spec.title, elapsed)


def _guarded(spec: CheckSpec, env: DiagEnvironment) -> CheckResult:
    """A check that raises is a failed check, never a crashed diagnosis."""
    try:
        return spec.run(env)
    except TerminalError as exc:
        log.warning("diagnostic check %s: %s", spec.name, exc)
        return failed(f"{exc.user_message}（{exc}）",
                      "按提示处理后再试 / Fix what the message says and run the check again",
                      error=type(exc).__name__)
    except Exception as exc:  # a bug in one check must not hide the others' results
        log.exception("diagnostic check %s crashed", spec.name)
        return failed(f"检查程序出错 / The check itself failed: {type(exc).__name__}: {exc}",
                      "请导出支持包并联系技术支持 / Export a support bundle and contact "
                      "support", error=type(exc).__name__)
