"""The outcome of one self-test: status, a bilingual sentence, what to do, measurements."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"

    @property
    def label(self) -> str:
        """Bilingual label for tables and the printed slip."""
        return {"pass": "通过 PASS", "warn": "注意 WARN", "fail": "失败 FAIL",
                "skip": "跳过 SKIP"}[self.value]


@dataclass(frozen=True)
class CheckResult:
    """One check's result. ``details`` holds JSON-able measurements (units in key names)."""

    status: Status
    message: str                       # bilingual: "中文 / English"
    action: str = ""                   # bilingual: what the technician should do
    details: dict[str, Any] = field(default_factory=dict)
    name: str = ""                     # filled in by the runner
    title: str = ""                    # filled in by the runner
    duration_s: float = 0.0            # filled in by the runner

    def named(self, name: str, title: str, duration_s: float) -> "CheckResult":
        return replace(self, name=name, title=title, duration_s=round(duration_s, 3))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "status": self.status.value,
                "message": self.message, "action": self.action,
                "duration_s": self.duration_s, "details": jsonable(self.details)}


def passed(message: str, **details: Any) -> CheckResult:
    return CheckResult(Status.PASS, message, "", details)


def warned(message: str, action: str, **details: Any) -> CheckResult:
    return CheckResult(Status.WARN, message, action, details)


def failed(message: str, action: str, **details: Any) -> CheckResult:
    return CheckResult(Status.FAIL, message, action, details)


def skipped(message: str, **details: Any) -> CheckResult:
    return CheckResult(Status.SKIP, message, "", details)


def worst(results: list[CheckResult]) -> Status:
    """The most serious status among ``results`` (skip counts as pass)."""
    order = (Status.FAIL, Status.WARN, Status.PASS)
    statuses = {r.status for r in results}
    return next((s for s in order if s in statuses), Status.PASS)


def jsonable(value: Any) -> Any:
    """Details as plain JSON types: anything unknown becomes its ``str``."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))
