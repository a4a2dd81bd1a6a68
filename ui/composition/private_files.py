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
    and from the files in it (keys excepted: those are checked, not fixed). Returns the
    paths whose mode was changed."""
    os.umask(PROCESS_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    changed = []
    candidates = [data_dir]
    candidates += [p for p in data_dir.iterdir() if p.name != "keys"]
    for name in PRIVATE_SUBFOLDERS:
        folder = data_dir / name
        if folder.is_dir():
            candidates += list(folder.iterdir())
    for path in candidates:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o077:
            continue
        if info.st_uid != os.geteuid():
            continue           # not ours to change (a shared folder given as data dir)
        os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
        changed.append(path)
    if changed:
        log.warning("made %d file(s) in the data directory private (were readable by "
                    "others)", len(changed))
    return changed
