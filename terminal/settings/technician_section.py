"""Technician access."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class TechnicianSettings:
    pin_hash_file: str = setting("keys/technician_pin", doc="relative to the data directory; 0600")
    max_failed_attempts: int = setting(5, min=1, max=20)
    lockout_s: float = setting(300.0, min=10, max=86_400)
