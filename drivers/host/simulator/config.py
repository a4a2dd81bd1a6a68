"""The simulator's configuration: timings, default behaviour, seeded member accounts.

Read from a JSON or TOML file (``load_config``); CLI flags and the admin endpoint may
override single values (``dataclasses.replace``).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from drivers.host.simulator.behaviours import BY_CODE, Behaviour
from terminal.errors import ConfigError


@dataclass(frozen=True)
class MemberSeed:
    member_id: str
    balance_fen: int
    phone_last4: str = ""


@dataclass(frozen=True)
class TerminalSeed:
    """A registered terminal id (the simulator has one terminal key for all of them)."""

    terminal_id: str
    disabled: bool = False


@dataclass(frozen=True)
class SimulatorConfig:
    password_delay_s: float = 3.0      # 83/84: how long the "customer" types the password
    slow_delay_s: float = 12.0         # 87 and the "slow" fault: longer than the read timeout
    cancel_retry_times: int = 2        # 89: cancels answered retry_flag=Y before one works
    default_behaviour: str = BY_CODE   # or a Behaviour value applied to every code
    members: tuple[MemberSeed, ...] = field(default_factory=tuple)
    #: Registered terminal ids; empty: every terminal id is accepted (the default).
    terminals: tuple[TerminalSeed, ...] = field(default_factory=tuple)
    #: A terminal id whose journal (``journal_epoch``) was used less than this long ago
    #: refuses requests from another journal: PAYTERM.TERMINAL_ID_CONFLICT.
    journal_switch_after_s: float = 600.0

    def __post_init__(self) -> None:
        for name in ("password_delay_s", "slow_delay_s"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0 or value > 3600:
                raise ConfigError(f"simulator.{name}", "must be 0..3600 seconds")
        switch = self.journal_switch_after_s
        if not isinstance(switch, (int, float)) or not 0 <= switch <= 86_400 \
                or switch != switch:
            raise ConfigError("simulator.journal_switch_after_s", "must be 0..86400 seconds")
        if not isinstance(self.cancel_retry_times, int) or not 0 <= self.cancel_retry_times <= 100:
            raise ConfigError("simulator.cancel_retry_times", "must be 0..100")
        allowed = {BY_CODE, *(b.value for b in Behaviour)}
        if self.default_behaviour not in allowed:
            raise ConfigError("simulator.default_behaviour",
                              f"must be one of {', '.join(sorted(allowed))}")


def config_from_dict(data: dict[str, Any]) -> SimulatorConfig:
    """Build a config from parsed JSON/TOML; unknown keys are errors that name the key."""
    known = {f.name for f in fields(SimulatorConfig)}
    for key in data:
        if key not in known:
            raise ConfigError(f"simulator.{key}", "unknown setting")
    values = dict(data)
    if "members" in values:
        values["members"] = tuple(member_seed(m) for m in values["members"])
    if "terminals" in values:
        values["terminals"] = tuple(terminal_seed(t) for t in values["terminals"])
    return SimulatorConfig(**values)


def terminal_seed(item: dict[str, Any]) -> TerminalSeed:
    if not isinstance(item, dict) or not isinstance(item.get("terminal_id"), str) \
            or not item["terminal_id"] or not isinstance(item.get("disabled", False), bool):
        raise ConfigError("simulator.terminals", "each terminal needs a terminal_id and "
                                                 "optionally disabled = true/false")
    return TerminalSeed(item["terminal_id"], item.get("disabled", False))


def member_seed(item: dict[str, Any]) -> MemberSeed:
    try:
        seed = MemberSeed(member_id=str(item["member_id"]), balance_fen=int(item["balance_fen"]),
                          phone_last4=str(item.get("phone_last4", "")))
    except (KeyError, TypeError, ValueError):
        raise ConfigError("simulator.members", "each member needs member_id and an integer "
                                               "balance_fen") from None
    if not seed.member_id or seed.balance_fen < 0:
        raise ConfigError("simulator.members", f"bad member {seed.member_id!r}")
    return seed


def load_config(path: Path) -> SimulatorConfig:
    """Read a ``.json`` or ``.toml`` file. Raises ConfigError naming the file or key."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError("--config", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8")) if path.suffix == ".toml" else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError("--config",
                          f"{path} is not valid {path.suffix[1:] or 'JSON'}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("--config", f"{path} must hold an object/table")
    return config_from_dict(data)


def with_overrides(config: SimulatorConfig, **overrides: Any) -> SimulatorConfig:
    """Replace the values given (None means "keep")."""
    changes = {k: v for k, v in overrides.items() if v is not None}
    return replace(config, **changes) if changes else config
