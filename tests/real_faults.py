"""Real file-system faults for fail-closed tests: a full disk and a read-only one.

``small_file_system(path)`` mounts a tiny tmpfs (needs root and mount rights; the test
is skipped otherwise); ``fill(path)`` writes until the kernel says ENOSPC;
``read_only(path)`` remounts it read-only (EROFS). No mocks: the errors come from the
kernel, as they would on a full SD card in a shop.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path

import pytest


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)


@contextlib.contextmanager
def small_file_system(path: Path, size_kb: int = 256):
    """A fresh tmpfs of ``size_kb`` at ``path`` for the duration of the block."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs",
                   str(path)) if os.geteuid() == 0 else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights)")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


def fill(folder: Path) -> Path:
    """Write a filler file until the file system is full; returns the filler."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
    while True:                      # the last partial block too
        try:
            with open(filler, "ab", buffering=0) as handle:
                handle.write(b"\0")
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
            return filler


def read_only(path: Path) -> None:
    done = _run("mount", "-o", "remount,ro", str(path))
    assert done.returncode == 0, done.stderr


def read_write(path: Path) -> None:
    done = _run("mount", "-o", "remount,rw", str(path))
    assert done.returncode == 0, done.stderr
