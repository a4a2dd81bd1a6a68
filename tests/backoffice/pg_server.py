"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` and ``postgres``
from Debian's ``postgresql`` package, in a temporary folder, on a free loopback port.

PostgreSQL refuses to run as root. As root (here and in CI) the server runs as the
``postgres`` user that the Debian package creates, through ``setpriv`` (no PAM, so
resource limits set for a test, such as a file-size limit, reach the server); as any
other user it runs directly.
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

SERVER_USER = "postgres"
START_DEADLINE_S = 60.0
STOP_DEADLINE_S = 30.0


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries or the unprivileged user are missing."""


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin with initdb, or the PATH's."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                        else 0)
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailable("PostgreSQL is not installed (./dev.sh setup installs Debian's "
                              "postgresql package)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """One server. ``start()``, ``restart(mode)``, ``stop()``; ``url(db)`` to connect."""

    def __init__(self, *, file_size_limit_bytes: int | None = None,
                 settings: dict[str, str] | None = None) -> None:
        self.bin_dir = find_bin_dir()
        self.port = free_port()
        self._file_size_limit = file_size_limit_bytes
        self._settings = {"fsync": "on", "max_connections": "200",
                          "shared_buffers": "64MB", **(settings or {})}
        self.base = Path(tempfile.mkdtemp(prefix="payterm-pg-"))
        self.base.chmod(0o755)          # the server user must reach its folders
        self.data = self.base / "data"
        self.sockets = self.base / "sock"
        self.log_file = self.base / "postgres.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._user = self._server_user()
        self._initdb()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "PgServer":
        args = [str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-k", str(self.sockets), "-c", "listen_addresses=127.0.0.1"]
        for key, value in self._settings.items():
            args += ["-c", f"{key}={value}"]
        log = open(self.log_file, "ab")
        try:
            self._process = subprocess.Popen(self._as_user(args), stdout=log, stderr=log,
                                             preexec_fn=self._limits, start_new_session=True)
        finally:
            log.close()
        self._wait_ready()
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop: ``fast`` (SIGINT: roll back and shut down cleanly) or ``immediate``
        (SIGQUIT: like a crash; the next start runs crash recovery)."""
        process = self._process
        if process is None or process.poll() is not None:
            self._process = None
            return
        process.send_signal(signal.SIGQUIT if mode == "immediate" else signal.SIGINT)
        try:
            process.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_DEADLINE_S)
        self._process = None

    def restart(self, mode: str = "immediate") -> None:
        self.stop(mode)
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    @property
    def pid(self) -> int | None:
        """The postmaster's process id (setpriv execs into it)."""
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- databases ---------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                               dbname=database, autocommit=True, connect_timeout=5)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"'
                         + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return self.url(name)

    # -- internals ---------------------------------------------------------------------
    def _server_user(self) -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PostgresUnavailable(f"running as root needs the unprivileged user "
                                      f"{SERVER_USER!r} (Debian's postgresql package makes it)"
                                      ) from None
        if shutil.which("setpriv") is None:
            raise PostgresUnavailable("setpriv (util-linux) is needed to drop root")
        return SERVER_USER

    def _as_user(self, args: list[str]) -> list[str]:
        if self._user is None:
            return args
        return ["setpriv", f"--reuid={self._user}", f"--regid={self._user}", "--init-groups",
                "--reset-env", "--", *args]

    def _limits(self) -> None:
        if self._file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (self._file_size_limit, self._file_size_limit))

    def _initdb(self) -> None:
        for folder in (self.data, self.sockets):
            folder.mkdir(mode=0o700)
            if self._user is not None:
                entry = pwd.getpwnam(self._user)
                os.chown(folder, entry.pw_uid, entry.pw_gid)
        result = subprocess.run(
            self._as_user([str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
                           "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"]),
            capture_output=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {result.stderr.decode()[-500:]}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise PostgresUnavailable(f"postgres exited: {self._tail_log()}")
            try:
                with self.connect():
                    return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise PostgresUnavailable(f"postgres did not start in {START_DEADLINE_S:.0f} s: "
                                  f"{self._tail_log()}")

    def _tail_log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-800:]
        except OSError:
            return "(no log)"
