"""Free space on the data disk, and that the data directory is writable.

Below ``storage.min_free_disk_mb`` the terminal refuses new offline payments, so that is
a failure here too; the percentage thresholds catch a disk that is filling up.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

_MB = 1024 * 1024
_FREE_UP = ("清理旧日志或更换更大的存储卡；先同步离线记录，切勿删除数据库 / Remove old logs or "
            "fit a larger disk; sync offline records first and never delete the database")


def check_disk(env: DiagEnvironment) -> CheckResult:
    limits = env.settings.diagnostics
    stat = os.statvfs(env.data_dir)
    free_mb = stat.f_bavail * stat.f_frsize / _MB
    total_mb = stat.f_blocks * stat.f_frsize / _MB
    free_percent = 100.0 * stat.f_bavail / stat.f_blocks if stat.f_blocks else 0.0
    details = {"data_dir": str(env.data_dir), "free_mb": round(free_mb, 1),
               "total_mb": round(total_mb, 1), "free_percent": round(free_percent, 2),
               "database_mb": round(_size_mb(env.path(env.settings.storage.database_file)), 2),
               "logs_mb": round(_tree_mb(env.path(env.settings.logging.file).parent), 2)}
    write_error = _try_write(env.data_dir)
    if write_error:
        return failed(f"数据目录不可写 / The data directory cannot be written: {write_error}",
                      "检查磁盘是否只读、目录属主与权限（应属 payterm 用户）/ Check that the "
                      "disk is not read-only and the folder belongs to the payterm user",
                      **details)
    minimum_mb = env.settings.storage.min_free_disk_mb
    if free_mb < minimum_mb or free_percent < limits.disk_fail_free_percent:
        return failed(f"磁盘将满：剩余 {free_mb:.0f} MB（{free_percent:.1f}%），离线收款已暂停 / "
                      f"Disk almost full: {free_mb:.0f} MB ({free_percent:.1f}%) free, "
                      "offline payments are paused", _FREE_UP, **details)
    if free_mb < limits.disk_warn_free_mb or free_percent < limits.disk_warn_free_percent:
        return warned(f"磁盘空间偏少：剩余 {free_mb:.0f} MB（{free_percent:.1f}%）/ "
                      f"Disk space low: {free_mb:.0f} MB ({free_percent:.1f}%) free",
                      _FREE_UP, **details)
    return passed(f"磁盘空间充足：剩余 {free_mb:.0f} MB / Enough disk space: "
                  f"{free_mb:.0f} MB free", **details)


def _try_write(folder: Path) -> str:
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".diag-write-test-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def _size_mb(path: Path) -> float:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        try:
            total += os.stat(f"{path}{suffix}").st_size
        except OSError:
            pass
    return total / _MB


def _tree_mb(folder: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total / _MB


SPEC = CheckSpec("disk", "磁盘空间 / Disk space", check_disk)
