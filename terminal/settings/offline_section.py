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
    probe_interval_s: float = setting(2.0, min=0.05, max=600,
                                      doc="first wait before a health probe once offline")
    probe_backoff_max_s: float = setting(60.0, min=0.05, max=3600,
                                         doc="longest wait between health probes")
    sync_batch_size: int = setting(500, min=1, max=500,
                                   doc="records per batch upload (the host takes at most 500)")
    sync_backoff_base_s: float = setting(1.0, min=0.01, max=3600,
                                         doc="first retry delay of a record; doubles per try")
    sync_backoff_max_s: float = setting(300.0, min=0.01, max=86_400,
                                        doc="longest retry delay of a record or of the worker")
    sync_idle_s: float = setting(2.0, min=0.01, max=600,
                                 doc="how often the sync worker looks for new records")
    sync_max_attempts: int = setting(20, min=1, max=10_000,
                                     doc="failed tries before a record becomes a dead letter")
    dead_letter_age_s: float = setting(7 * 86_400.0, min=60, max=365 * 86_400,
                                       doc="a record tried and still unsynced after this "
                                           "becomes a dead letter")
