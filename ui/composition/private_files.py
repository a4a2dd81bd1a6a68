"""The data directory is private to the service user (issue 11, point 6).

At start-up the process umask becomes 077 (every file it creates is 0600, every folder
0700), the data directory is made 0700, and store, log and wire-capture files left
readable by others by an older version or a copy are made private (0600/0700). Private
key files are *not* fixed silently: a key that was readable by others may have been
copied, so start-up stops and names the file and the ``chmod`` to run
(``drivers.host.keys.load_private_key``, ``offline_queue.field_cipher``).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PROCESS_UMASK = 0o077
#: Folders under the data directory whose contents are tightened too.
PRIVATE_SUBFOLDERS = ("logs", "wire", "backups", "exports")


def make_data_dir_private(data_dir: Path) -> list[Path]:
    """Set umask 077, create ``data_dir`` 0700 and take group/other access away from it
    and from payterm's own files in it (key files excepted: those are checked, not
    fixed). A shared folder given as the data directory (sticky bit, like /tmp) keeps
    its mode, and only payterm's files in it are touched. Returns what was changed."""
    os.umask(PROCESS_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    candidates = [] if data_dir.stat().st_mode & stat.S_ISVTX else [data_dir]
    candidates += [p for p in data_dir.iterdir() if _is_payterm_file(p.name)]
    for name in PRIVATE_SUBFOLDERS:
        folder = data_dir / name
        if folder.is_dir() and not folder.is_symlink():
            candidates += list(folder.iterdir())
    changed = [path for path in candidates if _tighten(path)]
    if changed:
        log.warning("made %d file(s) in the data directory private (were readable by "
                    "others)", len(changed))
    return changed


def _is_payterm_file(name: str) -> bool:
    return (name.startswith("payterm.") or name in PRIVATE_SUBFOLDERS
            or name in ("keys", "face_debug"))


def _tighten(path: Path) -> bool:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o077:
        return False
    if info.st_uid != os.geteuid():
        return False           # not ours to change
    os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
    return True
