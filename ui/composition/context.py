"""The composition root's state for one run: data directory, settings, logging, and
the run's one host client.

Commands, the kiosk, the demo and the diagnostics get an AppContext and build what they
need through the other ``ui.composition`` modules, so each command opens only what it
uses. Whatever is opened is closed with the context (``on_close``), newest first.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from drivers.host.client import HostClient, open_host_client
from offline_queue.journal_identity import read_epoch
from terminal.errors import ConfigError
from terminal.settings.model import Settings, settings_from
from ui.composition.data_dir import resolve_config_file, resolve_data_dir
from ui.composition.logging_setup import configure_logging
from ui.composition.private_files import make_data_dir_private
from ui.settings_file import load_settings_file

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    data_dir: Path
    settings: Settings
    config_file: Path | None
    env: Mapping[str, str] = field(default_factory=dict)
    _closers: list[Callable[[], object]] = field(default_factory=list)
    _host: HostClient | None = None
    _host_lock: threading.Lock = field(default_factory=threading.Lock)

    def path(self, relative: str) -> Path:
        """A settings path: absolute stays, relative is under the data directory."""
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.data_dir / candidate

    def on_close(self, closer: Callable[[], object]) -> None:
        self._closers.append(closer)

    def host_client(self) -> HostClient:
        """The run's one host client (one connection pool, keys loaded once), opened on
        first use from any thread and closed with the context. Every worker, command and
        tender of the process shares it (the client is thread-safe). It names this
        terminal's journal (its epoch, read when the client is opened) in every request, so
        the host can tell two journals of one terminal id apart. Raises ConfigError
        naming the key when a key file is missing or unusable (asked again next time)."""
        with self._host_lock:
            if self._host is None:
                epoch = read_epoch(self.path(self.settings.storage.database_file))
                self._host = open_host_client(self.settings.host,
                                              terminal_id=self.settings.terminal.terminal_id,
                                              data_dir=self.data_dir, journal_epoch=epoch)
                self.on_close(self._host.close)
            return self._host

    def close(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:  # closing must go on for the rest
                log.exception("error while closing")


def build_context(data_dir_arg: str | None = None, config_arg: str | None = None,
                  env: Mapping[str, str] | None = None, *, with_logging: bool = True,
                  overrides: dict | None = None) -> AppContext:
    """Resolve paths, load and validate settings, start logging. Raises ConfigError."""
    env = dict(os.environ if env is None else env)
    data_dir = resolve_data_dir(data_dir_arg, env)
    config_file, _explicit = resolve_config_file(config_arg, env, data_dir)
    data = load_settings_file(config_file)
    for section, values in (overrides or {}).items():
        data.setdefault(section, {}).update(values)
    settings = settings_from(data, env)
    try:
        make_data_dir_private(data_dir)
    except OSError as exc:
        raise ConfigError("data_dir", f"cannot create {data_dir}: {exc.strerror}") from None
    ctx = AppContext(data_dir=data_dir, settings=settings, config_file=config_file, env=env)
    if with_logging:
        log_file = ctx.path(settings.logging.file)
        try:
            configure_logging(log_file, level=settings.logging.level,
                              max_bytes=settings.logging.max_bytes,
                              backup_count=settings.logging.backup_count)
        except OSError as exc:
            raise ConfigError("logging.file", _unwritable_log_message(log_file, exc)) from None
    return ctx


def _unwritable_log_message(log_file: Path, exc: OSError) -> str:
    try:
        owner = f" (owned by uid {log_file.stat().st_uid}, you are uid {os.getuid()})"
    except OSError:
        owner = ""
    return (f"cannot write the log file {log_file}: {exc.strerror}{owner}. On a kiosk, run "
            "`payterm` as root or as user payterm (/usr/bin/payterm switches to the service "
            "user); to repair ownership: chown -R payterm:payterm /var/lib/payterm")
