"""The touchscreen app."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class KioskSettings:
    mode: str = setting("cashier", choices=("cashier", "kiosk"))
    elder_mode: bool = setting(False)
    idle_timeout_s: float = setting(60.0, min=5, max=3600)
