"""The terminal's durable store (journal, outbox, print jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class StorageSettings:
    database_file: str = setting("payterm.db", doc="relative to the data directory")
    busy_timeout_ms: int = setting(5000, min=0, max=120_000)
    min_free_disk_mb: int = setting(50, min=0, max=100_000,
                                    doc="below this, new offline payments are refused")
