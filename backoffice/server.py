"""``payterm-backoffice serve``: check the database, then run uvicorn with N workers.

The parent makes the signing key (first use) and brings the schema up to date before
any worker starts, so workers only load both. uvicorn's supervisor restarts a worker
that dies (a SIGKILL mid-request loses that request's answer, never its transaction:
the terminal asks again and the books answer the same).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import uvicorn

from backoffice.errors import SettingError
from backoffice.http.app import SERVE_ENV, ServeConfig
from backoffice.settings import BackofficeSettings
from backoffice.storage.engine import display_url, open_engine
from backoffice.storage.migrate import is_current, upgrade

log = logging.getLogger(__name__)

DEFAULT_LISTEN = "127.0.0.1:8790"
MAX_WORKERS = 64
_LISTEN = re.compile(r"^(?:\[(?P<v6>[0-9a-fA-F:]+)\]|(?P<host>[A-Za-z0-9.\-]+)):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class Listen:
    host: str
    port: int


def parse_listen(text: str) -> Listen:
    """``HOST:PORT`` (``[::1]:8790`` for IPv6)."""
    match = _LISTEN.match(text or "")
    if not match:
        raise SettingError("--listen", "must be HOST:PORT, e.g. 127.0.0.1:8790 or [::1]:8790")
    port = int(match.group("port"))
    if not 1 <= port <= 65535:
        raise SettingError("--listen", "port must be 1-65535")
    return Listen(host=match.group("v6") or match.group("host"), port=port)


def prepare_database(database_url: str, settings: BackofficeSettings, *, migrate: bool) -> str:
    """Migrate (or, with ``migrate`` False, check) the schema; returns what was done."""
    engine = open_engine(database_url, settings, application="serve", pool_size=1)
    try:
        if migrate:
            result = upgrade(engine)
            return (f"schema {result.before or 'empty'} -> {result.after}" if result.changed
                    else f"schema {result.after} (current)")
        if not is_current(engine):
            raise SettingError("--database", f"{display_url(database_url)} is not at the "
                                             "current schema; run `payterm-backoffice migrate`")
        return "schema current"
    finally:
        engine.dispose()


def run_server(config: ServeConfig, listen: Listen, workers: int,
               settings: BackofficeSettings) -> None:
    """Serve until SIGINT/SIGTERM (blocking)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise SettingError("--workers", f"must be 1-{MAX_WORKERS}")
    os.environ[SERVE_ENV] = config.to_env()
    uvicorn.run("backoffice.http.app:create_app", factory=True, host=listen.host,
                port=listen.port, workers=workers, log_config=None, access_log=False,
                timeout_keep_alive=int(settings.http_keepalive_s), server_header=False,
                timeout_graceful_shutdown=10, limit_concurrency=1000, backlog=2048,
                # A worker spawned on a busy machine may need more than uvicorn's 5 s to
                # answer its first health ping; killing it then only adds load.
                timeout_worker_healthcheck=30)
