"""Scanner guns (keyboard wedge or serial)."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class ScannerSettings:
    wedge_max_gap_ms: float = setting(50.0, min=5, max=500,
                                      doc="keys closer than this are a scan, not typing")
    serial_port: str = setting("", doc="serial scanner device; empty for none")
    serial_baud: int = setting(9600, choices=(9600, 19200, 38400, 57600, 115200))
