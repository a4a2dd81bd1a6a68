"""Bringing a database to the current schema (Alembic), on PostgreSQL or SQLite.

The upgrade runs in one transaction: on PostgreSQL under an advisory lock (so instances
starting together migrate once, the others wait and find nothing to do), on SQLite
inside ``BEGIN IMMEDIATE``. PostgreSQL's DDL is transactional, so a failed upgrade
leaves the old schema whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from backoffice.storage.engine import WRITE_OPTION

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Any constant shared by every instance: pg_advisory_xact_lock's key for migrations.
_ADVISORY_KEY = 0x7061_7974_6572


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads; merge them")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> MigrationResult:
    """Apply every missing migration. Safe to run again and from several processes."""
    config = _config()
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                             {"key": _ADVISORY_KEY})
            before = MigrationContext.configure(conn).get_current_revision()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            after = MigrationContext.configure(conn).get_current_revision()
    return MigrationResult(before=before, after=after)


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
