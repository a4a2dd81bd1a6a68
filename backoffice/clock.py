"""Time at the back office: epoch seconds, and the Beijing calendar day of a moment
(the host protocol's day: bills, ``timestamp``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

HOST_TZ = timezone(timedelta(hours=8))


def bill_day(epoch_s: float) -> str:
    """The Beijing day (YYYY-MM-DD) a moment belongs to."""
    return datetime.fromtimestamp(epoch_s, HOST_TZ).date().isoformat()


def today(epoch_s: float) -> date:
    return datetime.fromtimestamp(epoch_s, HOST_TZ).date()


def host_time_text(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, HOST_TZ).strftime("%Y-%m-%d %H:%M:%S")
