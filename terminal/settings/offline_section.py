"""Offline limits for member and cash payments, and how offline is detected."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class OfflineSettings:
    forced_offline: bool = setting(False, doc="treat the host as unreachable (training, tests)")
    per_payment_max_fen: int = setting(20_000, min=0, max=100_000_000)
    member_daily_max_fen: int = setting(50_000, min=0, max=100_000_000)
    total_unsynced_max_fen: int = setting(500_000, min=0, max=1_000_000_000)
    total_unsynced_max_count: int = setting(500, min=0, max=1_000_000)
    max_age_s: float = setting(72 * 3600.0, min=60, max=30 * 86_400,
                               doc="oldest unsynced record allowed before offline taking stops")
    balance_allowance_fen: int = setting(0, min=0, max=100_000_000,
                                         doc="how far below the cached balance a member may go")
    breaker_failures: int = setting(3, min=1, max=100,
                                    doc="consecutive host failures that mean offline")
