"""How a check is declared: name, bilingual title, function, time limit, device group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from terminal.settings.model import Settings
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult


@dataclass(frozen=True)
class CheckSpec:
    name: str                                        # "printer" (used by --only)
    title: str                                       # "打印机 / Printer"
    run: Callable[[DiagEnvironment], CheckResult]
    #: Seconds this check may take before it is reported as hung, from the settings.
    timeout_s: Callable[[Settings], float] = lambda s: s.diagnostics.check_timeout_s
    #: Checks in the same group touch the same device and run one after another;
    #: different groups run in parallel.
    group: str = ""
    #: Needs a person (the scanner waits for a scan): runs only when asked for by name
    #: or in interactive mode.
    needs_person: bool = False

    def group_key(self) -> str:
        return self.group or self.name
