"""All self-tests in display order, and choosing which to run (``--only``)."""

from __future__ import annotations

import importlib

from terminal.errors import UserFacingError
from ui.diagnostics.spec import CheckSpec

#: Module names under ``ui.diagnostics.checks``, in the order results are shown.
CHECK_MODULES = ("settings", "clock", "disk", "models", "queue", "serial_ports", "printer",
                 "scanner", "camera", "host")


def all_checks() -> list[CheckSpec]:
    return [importlib.import_module(f"ui.diagnostics.checks.{name}").SPEC
            for name in CHECK_MODULES]


def select_checks(only: str | None, *, interactive: bool = False) -> list[CheckSpec]:
    """The checks to run. ``only`` is a comma list of names ("camera,printer"); without it,
    every check except those that need a person (unless ``interactive``)."""
    specs = all_checks()
    if not only:
        return [s for s in specs if interactive or not s.needs_person]
    wanted = [part.strip() for part in only.split(",") if part.strip()]
    known = {s.name: s for s in specs}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise UserFacingError(
            f"未知检查项 / unknown check(s): {', '.join(unknown)}; "
            f"可选 / known: {', '.join(known)}")
    return [s for s in specs if s.name in wanted]
