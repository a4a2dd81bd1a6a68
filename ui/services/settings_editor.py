"""Viewing and editing the settings file from the technician screen.

A change is validated by building the whole Settings object through
``terminal.settings.model.settings_from`` with the file, the change and the
environment, exactly as start-up would; a bad value is refused with the message that
names the key, and the file is not touched. Saved changes take effect at the next start.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from terminal.errors import ConfigError
from terminal.settings.model import Settings, settings_from


@dataclass(frozen=True)
class SettingRow:
    key: str                # "section.name"
    value: str              # as text (secrets: "***")
    doc: str
    secret: bool
    #: The allowed values as text, when the setting is a closed list (e.g. the printer
    #: model): the technician screen offers them to pick from.
    choices: tuple[str, ...] = ()


def flatten(settings: Any, prefix: str = "") -> list[SettingRow]:
    rows = []
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            rows.extend(flatten(value, key + "."))
            continue
        secret = bool(f.metadata.get("secret"))
        shown = "***" if secret and value else format_value(value)
        choices = tuple(format_value(c) for c in f.metadata.get("choices") or ())
        rows.append(SettingRow(key, shown, f.metadata.get("doc", ""), secret, choices))
    return rows


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def parse_text(text: str, current: Any) -> Any:
    """Text typed by the technician → the TOML type of the current value. Anything that
    does not parse is passed on as text, so the settings check names the key."""
    text = text.strip()
    if isinstance(current, bool):
        lowered = text.lower()
        return {"true": True, "yes": True, "1": True, "false": False, "no": False,
                "0": False}.get(lowered, text)
    if isinstance(current, int):
        try:
            return int(text)
        except ValueError:
            return text
    if isinstance(current, float):
        try:
            return float(text)
        except ValueError:
            return text
    if isinstance(current, tuple):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def dump_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """Settings data (nested tables of scalars and lists) as TOML text."""
    scalars = [(k, v) for k, v in data.items() if not isinstance(v, Mapping)]
    tables = [(k, v) for k, v in data.items() if isinstance(v, Mapping)]
    out = [f"{k} = {toml_value(v)}" for k, v in scalars]
    for name, table in tables:
        body = dump_toml(table, f"{prefix}{name}.")
        out.append(f"\n[{prefix}{name}]\n{body}".rstrip())
    return "\n".join(out).strip() + "\n"


class SettingsEditor:
    """Thread: GUI (reads and writes one small file)."""

    def __init__(self, config_file: Path, settings: Settings, env: Mapping[str, str]) -> None:
        self.config_file = Path(config_file)
        self._settings = settings
        self._env = dict(env)

    def rows(self) -> list[SettingRow]:
        return flatten(self._settings)

    def _file_data(self) -> dict:
        if not self.config_file.exists():
            return {}
        with open(self.config_file, "rb") as handle:
            return tomllib.load(handle)

    def validate(self, changes: Mapping[str, str]) -> tuple[Settings, dict]:
        """Apply ``changes`` ({"printer.baud": "9600"}) to the file data and validate.
        Raises ConfigError naming the bad key."""
        data = self._file_data()
        current = {row.key: row for row in self.rows()}
        for key, text in changes.items():
            if key not in current:
                raise ConfigError(key, "unknown setting")
            *sections, name = key.split(".")
            table = data
            for section in sections:
                table = table.setdefault(section, {})
            table[name] = parse_text(text, self._value_of(key))
        return settings_from(data, self._env), data

    def save(self, changes: Mapping[str, str]) -> Settings:
        """Validate, then write the file atomically (0600). Raises ConfigError."""
        settings, data = self.validate(changes)
        self.config_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.config_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump_toml(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.config_file)
        self._settings = settings
        return settings

    def _value_of(self, key: str) -> Any:
        value: Any = self._settings
        for part in key.split("."):
            value = getattr(value, part)
        return value
