"""What a check may use: settings, paths, a cancel flag, the clock and the technician."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Mapping

from terminal.settings.model import Settings


@dataclass(frozen=True)
class DiagEnvironment:
    """Read-only inputs of the checks. ``cancel`` is set when a check's time is up or the
    technician aborts; long checks look at it between steps and return early."""

    settings: Settings
    data_dir: Path
    config_file: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    cancel: threading.Event = field(default_factory=threading.Event)
    #: True when a person stands at the terminal (``--interactive`` or the technician
    #: screen): checks may ask them to do something (present a code to the scanner).
    interactive: bool = False
    #: Tell the technician something while a check runs (scanner: "scan a code now").
    say: Callable[[str], None] = lambda text: None
    #: Wall clock (seconds since the epoch); tests pass a wrong clock to simulate skew.
    now: Callable[[], float] = time.time
    #: Print a test page in the printer check (``payterm diag --test-page``).
    print_test_page: bool = False

    def path(self, relative: str) -> Path:
        """A settings path: absolute stays, relative is under the data directory."""
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.data_dir / candidate

    def with_cancel(self, cancel: threading.Event) -> "DiagEnvironment":
        return replace(self, cancel=cancel)

    @classmethod
    def from_context(cls, ctx, **options) -> "DiagEnvironment":
        """Build from the CLI/kiosk ``AppContext``."""
        return cls(settings=ctx.settings, data_dir=ctx.data_dir, config_file=ctx.config_file,
                   env=dict(ctx.env), **options)
