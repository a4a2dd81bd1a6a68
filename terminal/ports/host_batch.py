"""Port to the host's batch interfaces: forwarding offline records, the daily statement."""

from __future__ import annotations

from datetime import date
from typing import Protocol, Sequence, runtime_checkable

from terminal.host_batch_messages import BatchItemResult, DailyStatement, OfflineRecord


@runtime_checkable
class BatchHost(Protocol):
    """Blocking network calls; call from a worker thread (the sync worker, end of day).

    Raise HostUnreachable when nothing reached the host, OutcomeUnknown when the host may
    have booked the batch (read timeout, dropped connection, garbage or unsigned answer:
    the upload is idempotent by ``out_trade_no``, so sending the same records again is
    safe) and HostRejected when the host refused the request as a whole.
    """

    def upload_offline_batch(self, records: Sequence[OfflineRecord]) -> list[BatchItemResult]:
        """Forward up to MAX_BATCH_RECORDS records; one result per record, same order."""

    def daily_statement(self, day: date) -> DailyStatement:
        """Every trade of this terminal on ``day`` (host's calendar day, UTC+8)."""
