"""The composition root's state for one run: data directory, settings, logging.

Commands and the kiosk get an AppContext and build the services they need through the
``ui.wiring`` modules, so each command opens only what it uses.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from terminal.errors import ConfigError
from terminal.settings.model import Settings, settings_from
from ui.data_dir import resolve_config_file, resolve_data_dir
from ui.logging_setup import configure_logging

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    data_dir: Path
    settings: Settings
    config_file: Path | None
    env: Mapping[str, str] = field(default_factory=dict)
    _closers: list = field(default_factory=list)

    def path(self, relative: str) -> Path:
        """A settings path: absolute stays, relative is under the data directory."""
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.data_dir / candidate

    def on_close(self, closer) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:  # closing must go on for the rest
                log.exception("error while closing")


def load_settings_file(path: Path | None) -> dict:
    """Read and parse the TOML file; a syntax error names the file and line."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("--config", f"settings file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("--config", f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError("--config", f"cannot read {path}: {exc.strerror}") from None


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
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("data_dir", f"cannot create {data_dir}: {exc.strerror}") from None
    ctx = AppContext(data_dir=data_dir, settings=settings, config_file=config_file, env=env)
    if with_logging:
        configure_logging(ctx.path(settings.logging.file), level=settings.logging.level,
                          max_bytes=settings.logging.max_bytes,
                          backup_count=settings.logging.backup_count)
    return ctx
