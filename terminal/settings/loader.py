"""Building the one immutable Settings object from TOML data and the environment.

Pure: the caller reads the file (``tomllib``) and passes the parsed mapping and
``os.environ``. Environment overrides are ``PAYTERM__<SECTION>__<KEY>=value``
(sub-sections with more ``__``), applied after the file.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import types
import typing
from typing import Any, Mapping

from terminal.errors import ConfigError

ENV_PREFIX = "PAYTERM__"
T = typing.TypeVar("T")


def build_settings(cls: type[T], data: Mapping[str, Any],
                   env: Mapping[str, str] | None = None) -> T:
    """Validate ``data`` (from TOML) against dataclass ``cls`` and apply env overrides."""
    merged = _deep_copy(data)
    for name, raw in sorted((env or {}).items()):
        if not name.startswith(ENV_PREFIX):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX):].split("__") if part]
        if not path:
            continue
        target = merged
        for part in path[:-1]:
            existing = target.get(part)
            if existing is None:
                existing = target[part] = {}
            if not isinstance(existing, dict):
                raise ConfigError(".".join(path), f"environment {name} names a value, not a section")
            target = existing
        target[path[-1]] = _EnvText(raw)
    return typing.cast(T, _build(cls, merged, prefix="", base=None))


class _EnvText(str):
    """A value that came from the environment: text to be converted to the field type."""


def _deep_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, Mapping) else v for k, v in data.items()}


def _build(cls: Any, data: Any, prefix: str, base: Any) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(prefix.rstrip(".") or "(root)", "must be a table of settings")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(prefix + unknown[0], "unknown setting (check the spelling; "
                          f"known here: {', '.join(sorted(fields))})")
    values: dict[str, Any] = {}
    for name, f in fields.items():
        key = prefix + name
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            nested_base = getattr(base, name) if base is not None else (
                f.default if f.default is not dataclasses.MISSING else None)
            values[name] = _build(hint, data.get(name, {}), key + ".", nested_base)
            continue
        if name not in data:
            continue
        values[name] = _convert(key, hint, data[name], f.metadata)
    try:
        if base is not None:
            return dataclasses.replace(base, **values)
        return cls(**values)
    except (TypeError, ValueError) as exc:  # cross-field checks in __post_init__
        raise ConfigError(prefix.rstrip(".") or "(root)", str(exc)) from exc


def _convert(key: str, hint: Any, value: Any, meta: Mapping[str, Any]) -> Any:
    converted = _coerce(key, hint, value)
    choices = meta.get("choices")
    if choices is not None and converted not in choices:
        raise ConfigError(key, f"must be one of {', '.join(map(str, choices))}; got {value!r}")
    if isinstance(converted, (int, float)) and not isinstance(converted, bool):
        if not math.isfinite(converted):
            raise ConfigError(key, f"must be a finite number (not NaN or infinity); "
                                   f"got {value!r}")
        lo, hi = meta.get("min"), meta.get("max")
        if lo is not None and converted < lo:
            raise ConfigError(key, f"must be at least {lo}; got {converted}")
        if hi is not None and converted > hi:
            raise ConfigError(key, f"must be at most {hi}; got {converted}")
    return converted


def _coerce(key: str, hint: Any, value: Any) -> Any:
    from_env = isinstance(value, _EnvText)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None or (from_env and value == ""):
            return None
        return _coerce(key, options[0], value)
    if origin is tuple:
        (item,) = typing.get_args(hint)[:1] or (str,)
        if from_env:
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(key, f"must be a list; got {value!r}")
        return tuple(_coerce(f"{key}[{i}]", item, v) for i, v in enumerate(value))
    if hint is bool:
        if from_env:
            lowered = value.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
        if isinstance(value, bool):
            return value
        raise ConfigError(key, f"must be true or false; got {value!r}")
    if hint is int:
        if from_env:
            try:
                return int(value.strip())
            except ValueError:
                raise ConfigError(key, f"must be a whole number; got {value!r}") from None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(key, f"must be a whole number; got {value!r}")
    if hint is float:
        if from_env:
            try:
                return float(value.strip())
            except ValueError:
                raise ConfigError(key, f"must be a number; got {value!r}") from None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(key, f"must be a number; got {value!r}")
    if hint is str:
        if isinstance(value, str):
            return str(value)
        raise ConfigError(key, f"must be text; got {value!r}")
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value.strip() if isinstance(value, str) else value)
        except ValueError:
            names = ", ".join(str(member.value) for member in hint)
            raise ConfigError(key, f"must be one of {names}; got {value!r}") from None
    raise ConfigError(key, f"unsupported setting type {hint!r}")


def redacted(settings: Any) -> dict[str, Any]:
    """Settings as a plain dict with every ``secret`` field replaced by "***"."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = redacted(value)
        elif f.metadata.get("secret"):
            out[f.name] = "***" if value else ""
        else:
            out[f.name] = (list(value) if isinstance(value, tuple) else
                           value.value if isinstance(value, enum.Enum) else value)
    return out
