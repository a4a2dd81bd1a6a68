"""JSON-lines logging to a rotating file under the data directory."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class LoggingSettings:
    level: str = setting("INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    file: str = setting("logs/payterm.log", doc="relative to the data directory")
    max_bytes: int = setting(5_000_000, min=10_000, max=1_000_000_000)
    backup_count: int = setting(5, min=1, max=100)
