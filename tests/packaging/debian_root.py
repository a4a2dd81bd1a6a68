"""A clean minimal Debian root for the package install test, made with debootstrap from
the Debian archive this machine's apt already uses, and cached between runs.

The cache (``$PAYTERM_CI_CACHE``, default ``/var/cache/payterm-ci``) holds the
debootstrapped root as a tarball (made once) and the .debs apt downloads in the roots
(bind-mounted over their ``/var/cache/apt/archives``), so a second run downloads nothing
it already has. Every test gets a fresh copy of the tarball: nothing a run installs
leaks into the next.

Needs root (debootstrap, chroot, mounts).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CACHE = Path(os.environ.get("PAYTERM_CI_CACHE", "/var/cache/payterm-ci"))
#: Never let a service start inside the root (there is no systemd there anyway).
POLICY_RC_D = "#!/bin/sh\nexit 101\n"


def release() -> str:
    """This machine's Debian code name (bookworm on Debian 12)."""
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    raise RuntimeError("/etc/os-release names no VERSION_CODENAME")


def mirror() -> str:
    """The Debian archive this machine's apt uses for its release (deb822 or one-line)."""
    suite = release()
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        if not path.is_file() or path.suffix not in ("", ".list", ".sources"):
            continue
        text = path.read_text(errors="replace")
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            suites = re.search(r"^Suites:\s*(.+)$", stanza, re.M)
            if uris and suites and suite in suites.group(1).split():
                return uris.group(1)
        for line in text.splitlines():
            one_line = re.match(r"\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", line)
            if one_line and one_line.group(2) == suite:
                return one_line.group(1)
    raise RuntimeError(f"no apt source for {suite} on this machine")


def base_tarball() -> Path:
    """The debootstrapped minimal root, made once (atomically) and then reused."""
    tarball = CACHE / f"{release()}-minbase.tar"
    if tarball.exists():
        return tarball
    work = CACHE / "debootstrap.tmp"
    remove_root(work)
    (CACHE / "debs").mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["debootstrap", "--variant=minbase", f"--cache-dir={CACHE / 'debs'}",
                        release(), str(work), mirror()],
                       check=True, timeout=1800, stdout=subprocess.DEVNULL)
    finally:
        _unmount_below(work)        # debootstrap mounts /proc and /sys while it works
    partial = tarball.with_suffix(".tar.part")
    with tarfile.open(partial, "w") as archive:
        archive.add(work, arcname=".")
    partial.rename(tarball)
    remove_root(work)
    return tarball


def _unmount_below(where: Path) -> None:
    """Unmount everything mounted at or below ``where``, deepest first."""
    prefix = str(where.resolve())
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for point in sorted((m for m in mounts if m == prefix or m.startswith(prefix + "/")),
                        key=len, reverse=True):
        subprocess.run(["umount", "-l", point], timeout=30)


def remove_root(where: Path) -> None:
    """Delete a root folder, never through a mount (a bound /dev must not be emptied)."""
    if where.exists():
        _unmount_below(where)
        subprocess.run(["rm", "-rf", "--one-file-system", str(where)], check=True,
                       timeout=600)


class DebianRoot:
    """A fresh root with /proc, /dev and an empty /run mounted; ``run`` executes in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mounts: list[Path] = []

    def mount(self, target: str, *args: str) -> Path:
        where = self.path / target.lstrip("/")
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *args, str(where)], check=True, timeout=30)
        self._mounts.append(where)
        return where

    def unmount(self, where: Path) -> None:
        subprocess.run(["umount", str(where)], check=True, timeout=30)
        self._mounts.remove(where)

    def unmount_all(self) -> None:
        for where in reversed(list(self._mounts)):
            subprocess.run(["umount", "-l", str(where)], timeout=30)
        self._mounts.clear()

    def run(self, *argv: str, check: bool = True, timeout: float = 600,
            env: dict[str, str] | None = None, user: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
        """argv inside the root, as root or (``user``) as that user with its groups."""
        environment = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive",
                       "HOME": "/root", **(env or {})}
        command = list(argv)
        if user:
            command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
                       "--", *command]
        out = subprocess.run(["chroot", str(self.path), *command], env=environment,
                             capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited {out.returncode}\n"
                                 f"stdout: {out.stdout[-3000:]}\nstderr: {out.stderr[-3000:]}")
        return out

    def popen(self, *argv: str, env: dict[str, str], user: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["chroot", str(self.path), "setpriv", f"--reuid={user}", f"--regid={user}",
             "--init-groups", "--", *argv],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)


@contextmanager
def fresh_root(where: Path) -> Iterator[DebianRoot]:
    """A fresh copy of the cached root in ``where``, apt lists updated, mounts undone."""
    tarball = base_tarball()
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-xf", str(tarball), "-C", str(where)], check=True, timeout=600)
    root = DebianRoot(where)
    try:
        root.mount("/proc", "-t", "proc", "proc")
        root.mount("/dev", "--bind", "/dev")
        root.mount("/dev/pts", "--bind", "/dev/pts")
        root.mount("/run", "-t", "tmpfs", "-o", "mode=0755", "tmpfs")
        archives = CACHE / "debs"
        archives.mkdir(parents=True, exist_ok=True)
        root.mount("/var/cache/apt/archives", "--bind", str(archives))
        shutil.copy("/etc/resolv.conf", where / "etc" / "resolv.conf")
        policy = where / "usr" / "sbin" / "policy-rc.d"
        policy.write_text(POLICY_RC_D)
        policy.chmod(0o755)
        suite = release()
        (where / "etc" / "apt" / "sources.list").write_text(
            f"deb {mirror()} {suite} main\ndeb {mirror()} {suite}-updates main\n")
        root.run("apt-get", "update", "-q")
        yield root
    finally:
        root.unmount_all()
        _unmount_below(where)
