"""Opening the database: PostgreSQL through psycopg 3, or an SQLite file.

``--database`` takes ``postgresql://user:pass@host:port/db`` (``postgres://`` and
``postgresql+psycopg://`` also work) or ``sqlite:////absolute/path.db``.

SQLite: WAL, ``synchronous=FULL`` (a committed payment survives a power cut), foreign
keys on, and write transactions start with ``BEGIN IMMEDIATE`` so two writers never
both read a balance and then fight for the lock. PostgreSQL: READ COMMITTED with
explicit row locks (``SELECT ... FOR UPDATE``), and a lock and statement timeout on
every connection so that no wait is endless.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from backoffice.errors import SettingError
from backoffice.settings import BackofficeSettings

#: Execution option that marks a connection's next transaction as a writer.
WRITE_OPTION = "payterm_write"
SQLITE_BUSY_TIMEOUT_S = 5.0


class Dialect(str, Enum):
    POSTGRESQL = "postgresql"
    SQLITE = "sqlite"


def normalise_url(url: str) -> sa.URL:
    """The SQLAlchemy URL for an operator's ``--database`` value (SettingError if bad)."""
    text = url.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://"):]
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise SettingError("--database", "is not a database URL (postgresql://... or "
                                         "sqlite:////path/file.db)") from None
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername not in ("postgresql", "postgresql+psycopg"):
            raise SettingError("--database", "PostgreSQL is used through psycopg 3 "
                                             "(postgresql:// or postgresql+psycopg://)")
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.drivername != "sqlite" or not parsed.database or parsed.database == ":memory:":
            raise SettingError("--database", "SQLite needs a file: sqlite:////path/file.db")
        return parsed
    raise SettingError("--database", f"unsupported database {parsed.get_backend_name()!r} "
                                     "(PostgreSQL or SQLite)")


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return normalise_url(url).render_as_string(hide_password=True)
    except SettingError:
        return "<invalid database URL>"


def dialect_of(engine: Engine) -> Dialect:
    return Dialect(engine.dialect.name)


def open_engine(url: str, settings: BackofficeSettings, *, application: str = "backoffice",
                pool_size: int | None = None) -> Engine:
    """An engine with the dialect's safety settings. Does not connect yet."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    options = " ".join([
        f"-c lock_timeout={int(settings.lock_timeout_s * 1000)}",
        f"-c statement_timeout={int(settings.statement_timeout_s * 1000)}",
        # A worker killed mid-transaction must not hold row locks for long.
        "-c idle_in_transaction_session_timeout=30000",
    ])
    return sa.create_engine(
        parsed, pool_pre_ping=True,
        pool_size=pool_size or settings.db_pool_size, max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s, pool_recycle=1800,
        connect_args={"connect_timeout": 3, "application_name": f"payterm-{application}",
                      "options": options})


def _sqlite_engine(parsed: sa.URL) -> Engine:
    path = Path(str(parsed.database))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S},
                              pool_pre_ping=False)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling is switched off; "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        writer = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine
