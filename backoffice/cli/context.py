"""What every command needs: the data directory, settings, the database URL and (on
demand) an engine and the signing key."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy.engine import Connection, Engine

from backoffice.http.app import settings_file
from backoffice.locations import Locations, resolve_locations
from backoffice.settings import BackofficeSettings, load_settings
from backoffice.signing_keys import SigningKey, ensure_signing_key
from backoffice.storage.engine import open_engine
from backoffice.storage.migrate import is_current, upgrade
from backoffice.errors import SettingError

T = TypeVar("T")
#: Operator commands may wait longer than a terminal's request for a busy database.
COMMAND_DEADLINE_S = 30.0


@dataclass
class Context:
    locations: Locations
    settings: BackofficeSettings
    database_url: str
    config_file: str | None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.database_url, self.settings, application="cli",
                                       pool_size=1)
        return self._engine

    def signing_key(self) -> SigningKey:
        return ensure_signing_key(self.locations.private_key, self.locations.public_key)

    def run(self, work: Callable[[Connection, float], T], *, write: bool) -> T:
        """``work(conn, now)`` in one transaction on a migrated database."""
        from backoffice.storage.transaction import run_transaction
        if not is_current(self.engine):
            if self.engine.dialect.name != "sqlite":
                raise SettingError("--database", "the database is not at the current schema; "
                                                 "run `payterm-backoffice migrate` first")
            upgrade(self.engine)        # the embedded database of one shop: just do it
        return run_transaction(self.engine, lambda conn: work(conn, time.time()), write=write,
                               deadline_s=COMMAND_DEADLINE_S)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


#: The database URL may come from the environment, so a password stays out of ``ps``.
DATABASE_ENV = "PAYTERM_BACKOFFICE_DATABASE"


def build_context(data_dir: str | None, database: str | None, config: str | None) -> Context:
    """``--database``, else ``$PAYTERM_BACKOFFICE_DATABASE``, else the embedded SQLite."""
    locations = resolve_locations(data_dir)
    chosen = settings_file(config, locations.settings_file)
    settings = load_settings(chosen)
    url = database or os.environ.get(DATABASE_ENV) or locations.default_database_url
    return Context(locations=locations, settings=settings, database_url=url,
                   config_file=str(chosen) if chosen else None)


def read_key_file(path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SettingError("--public-key", f"cannot read {path}: {exc.strerror}") from None
    if len(data) > 16_384:
        raise SettingError("--public-key", f"{path} is too large to be a public key")
    return data
