import time
from datetime import datetime, timezone

from ui.diagnostics.checks.clock import check_clock, system_timezone
from ui.diagnostics.result import Status


def test_a_clock_in_2000_fails(make_env):
    y2k = datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()
    result = check_clock(make_env(now=lambda: y2k, env={"TZ": "Asia/Shanghai"}))
    assert result.status is Status.FAIL and "2000-01-01" in result.message


def test_the_expected_zone_passes(make_env):
    result = check_clock(make_env(env={"TZ": "Asia/Shanghai"}))
    assert result.status is Status.PASS and result.details["timezone"] == "Asia/Shanghai"


def test_another_zone_warns_with_the_command_to_fix_it(make_env):
    result = check_clock(make_env(env={"TZ": "Europe/Berlin"}))
    assert result.status is Status.WARN
    assert "timedatectl set-timezone Asia/Shanghai" in result.action


def test_no_expected_zone_accepts_any(make_env):
    env = make_env({"diagnostics": {"expected_timezone": ""}}, env={"TZ": "Europe/Berlin"})
    assert check_clock(env).status is Status.PASS


def test_timezone_falls_back_to_the_system_files():
    assert system_timezone({"TZ": ":Asia/Shanghai"}) == "Asia/Shanghai"
    assert system_timezone({}) == system_timezone({"TZ": ""})
    assert isinstance(time.time(), float)
