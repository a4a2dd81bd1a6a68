import os

import pytest

from ui.diagnostics.checks.disk import check_disk
from ui.diagnostics.result import Status


def test_a_normal_disk_passes_and_reports_measurements(make_env):
    env = make_env({"diagnostics": {"disk_warn_free_mb": 0, "disk_warn_free_percent": 0,
                                    "disk_fail_free_percent": 0},
                    "storage": {"min_free_disk_mb": 0}})
    result = check_disk(env)
    assert result.status is Status.PASS
    assert result.details["free_mb"] > 0 and result.details["total_mb"] >= result.details["free_mb"]


def test_a_full_disk_fails(make_env):
    # Every real disk is "full" against a 100 % free-space requirement.
    env = make_env({"diagnostics": {"disk_warn_free_percent": 100, "disk_fail_free_percent": 100}})
    result = check_disk(env)
    assert result.status is Status.FAIL
    assert "Disk almost full" in result.message and "磁盘将满" in result.message
    assert result.action


def test_below_the_offline_payment_minimum_fails(make_env, data_dir):
    stat = os.statvfs(data_dir)
    if stat.f_bavail * stat.f_frsize >= 100_000 * 2**20:
        pytest.skip("this disk has more free space than the largest allowed minimum")
    env = make_env({"storage": {"min_free_disk_mb": 100_000},
                    "diagnostics": {"disk_fail_free_percent": 0}})
    assert check_disk(env).status is Status.FAIL


def test_low_space_warns(make_env):
    env = make_env({"diagnostics": {"disk_warn_free_mb": 10_000_000,
                                    "disk_fail_free_percent": 0}, "storage": {"min_free_disk_mb": 0}})
    assert check_disk(env).status is Status.WARN


def test_a_read_only_data_directory_fails(make_env, data_dir):
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only folders")
    data_dir.chmod(0o500)
    try:
        result = check_disk(make_env())
    finally:
        data_dir.chmod(0o700)
    assert result.status is Status.FAIL and "cannot be written" in result.message
