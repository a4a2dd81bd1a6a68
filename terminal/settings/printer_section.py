"""The receipt printer."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class PrinterSettings:
    enabled: bool = setting(True)
    port: str = setting("/dev/payterm-printer", doc="serial device or pty path")
    baud: int = setting(9600, choices=(2400, 4800, 9600, 19200, 38400, 57600, 115200))
    profile: str = setting("generic-80", doc="printer profile name (see README)")
