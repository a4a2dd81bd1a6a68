"""The back office's settings: one typed, validated, immutable object.

Loaded once from an optional TOML file (``--config``, else ``<data dir>/backoffice.toml``
when it exists) and ``PAYTERM_BACKOFFICE__<KEY>`` environment variables (which win).
A bad value stops start-up with a message naming the key. Units are in the names.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Mapping

from backoffice.errors import SettingError

ENV_PREFIX = "PAYTERM_BACKOFFICE__"
MIB = 1024 * 1024


@dataclass(frozen=True)
class BackofficeSettings:
    """Every tunable of the server. Defaults suit one shop and a chain alike."""

    #: The ``app_id`` every request must carry (the terminals' ``host.app_id``).
    app_id: str = "2026000000000001"
    #: Largest difference allowed between a request's ``timestamp`` and our clock.
    max_clock_skew_s: float = 300.0
    #: Largest request body; a 500-record batch with the largest evidence fits.
    max_request_bytes: int = 8 * MIB
    #: Per-terminal token bucket (per server process: see docs/backoffice.md).
    rate_limit_per_s: float = 20.0
    rate_limit_burst: int = 60
    #: Overall time one request may spend on the database, retries included. Shorter
    #: than the terminal's read timeout (10 s) so it hears a clear answer.
    request_deadline_s: float = 7.0
    #: PostgreSQL: longest wait for a row lock before a batch record answers retryable.
    lock_timeout_s: float = 2.0
    #: PostgreSQL: longest single statement.
    statement_timeout_s: float = 6.0
    #: Connections per server process.
    db_pool_size: int = 8
    db_max_overflow: int = 8
    db_pool_timeout_s: float = 3.0
    #: An offline record older than this is refused as invalid (a store exception).
    offline_max_age_days: int = 90
    #: HTTP keep-alive, longer than the terminal's 30 s so the server never closes a
    #: connection the terminal is about to reuse for a payment.
    http_keepalive_s: float = 75.0
    #: The operator's face template key file ("": ``<data dir>/keys/face_templates.key``).
    face_key_file: str = ""
    #: The store manager's page: a login lasts this long.
    manager_session_hours: float = 8.0
    #: Wallet connectors: connect timeout and overall deadline of one call to a wallet
    #: (the whole pay call stays inside the terminal's 10 s read timeout).
    wallet_connect_timeout_s: float = 3.0
    wallet_call_deadline_s: float = 6.0
    #: Scales the wallets' waiting rules (30 s budget, 15 s before a reverse, polls):
    #: 1.0 in a store; tests and the demo's sandboxes run them faster.
    wallet_timing_scale: float = 1.0
    #: How often the background resolver looks for wallet payments to finish.
    wallet_resolver_interval_s: float = 1.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise SettingError(item.name, "must be a finite number")
        _positive(self, "max_clock_skew_s", "rate_limit_per_s", "request_deadline_s",
                  "lock_timeout_s", "statement_timeout_s", "db_pool_timeout_s",
                  "http_keepalive_s", "manager_session_hours", "wallet_connect_timeout_s",
                  "wallet_call_deadline_s", "wallet_timing_scale",
                  "wallet_resolver_interval_s")
        if self.wallet_timing_scale > 1:
            raise SettingError("wallet_timing_scale", "at most 1 (the wallets' own rules)")
        if self.wallet_call_deadline_s > 8:
            raise SettingError("wallet_call_deadline_s",
                               "at most 8 s (the terminal waits 10 s for the back office)")
        _at_least(self, 1, "max_request_bytes", "rate_limit_burst", "db_pool_size",
                  "offline_max_age_days")
        _at_least(self, 0, "db_max_overflow")
        if not self.app_id or len(self.app_id) > 32:
            raise SettingError("app_id", "must be 1..32 characters")
        if self.max_request_bytes > 64 * MIB:
            raise SettingError("max_request_bytes", "at most 64 MiB")


def _positive(settings: BackofficeSettings, *names: str) -> None:
    for name in names:
        if getattr(settings, name) <= 0:
            raise SettingError(name, "must be more than zero")


def _at_least(settings: BackofficeSettings, low: int, *names: str) -> None:
    for name in names:
        if getattr(settings, name) < low:
            raise SettingError(name, f"must be at least {low}")


def _coerce(name: str, kind: type, raw: object) -> object:
    try:
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError
            return float(raw)  # type: ignore[arg-type]
        if kind is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            return int(raw)  # type: ignore[call-overload]
        return str(raw)
    except (TypeError, ValueError):
        raise SettingError(name, f"{raw!r} is not a valid {kind.__name__}") from None


def load_settings(config_file: Path | None = None,
                  environ: Mapping[str, str] | None = None) -> BackofficeSettings:
    """Defaults, then the TOML file, then ``PAYTERM_BACKOFFICE__*`` variables."""
    environ = os.environ if environ is None else environ
    kinds = {item.name: (float if item.type in ("float", float) else
                         int if item.type in ("int", int) else str)
             for item in fields(BackofficeSettings)}
    values: dict[str, object] = {}
    if config_file is not None:
        try:
            data = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingError("--config", f"cannot read {config_file}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingError("--config", f"{config_file} is not TOML: {exc}") from None
        for key, raw in data.items():
            if key not in kinds:
                raise SettingError(key, f"unknown setting in {config_file}")
            values[key] = _coerce(key, kinds[key], raw)
    for env_key, raw in environ.items():
        if not env_key.startswith(ENV_PREFIX):
            continue
        key = env_key[len(ENV_PREFIX):].lower()
        if key not in kinds:
            raise SettingError(key, f"unknown setting in ${env_key}")
        values[key] = _coerce(key, kinds[key], raw)
    return replace(BackofficeSettings(), **values)  # type: ignore[arg-type]
