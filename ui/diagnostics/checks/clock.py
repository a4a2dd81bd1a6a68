"""The system clock and time zone.

A clock in 1970 or 2000 (flat RTC battery, no NTP) breaks TLS, receipts and the offline
age limits; a wrong time zone prints wrong times on receipts. Skew against the host is
measured by the host check.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

EARLIEST_PLAUSIBLE_YEAR = 2024
_NTP_FLAG = Path("/run/systemd/timesync/synchronized")


def check_clock(env: DiagEnvironment) -> CheckResult:
    now = env.now()
    utc = datetime.fromtimestamp(now, timezone.utc)
    zone = system_timezone(env.env)
    offset_s = -time.altzone if time.localtime(now).tm_isdst > 0 else -time.timezone
    details = {"utc": utc.strftime("%Y-%m-%d %H:%M:%S"), "timezone": zone or "(unknown)",
               "utc_offset_s": offset_s, "ntp_synchronized": _NTP_FLAG.exists()}
    if utc.year < EARLIEST_PLAUSIBLE_YEAR:
        return failed(f"系统时间错误（{utc:%Y-%m-%d}）/ The clock is wrong ({utc:%Y-%m-%d})",
                      "设置正确时间并启用网络对时（NTP）；反复出错请更换主板电池 / Set the time "
                      "and enable NTP; if it keeps happening replace the RTC battery",
                      **details)
    expected = env.settings.diagnostics.expected_timezone
    if expected and zone != expected:
        return warned(f"时区为 {zone or '未知'}，应为 {expected} / Time zone is "
                      f"{zone or 'unknown'}, expected {expected}",
                      f"执行 timedatectl set-timezone {expected}（或设置 diagnostics."
                      f"expected_timezone）/ Run timedatectl set-timezone {expected} (or set "
                      "diagnostics.expected_timezone)", **details)
    return passed(f"时间与时区正常（{zone}）/ Clock and time zone OK ({zone})", **details)


def system_timezone(environ) -> str:
    """The IANA zone name: ``$TZ``, else /etc/timezone, else the /etc/localtime link."""
    tz = (environ.get("TZ") or "").lstrip(":")
    if tz:
        return tz
    try:
        text = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if text:
            return text
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return ""
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""


SPEC = CheckSpec("clock", "时间与时区 / Clock and time zone", check_clock)
