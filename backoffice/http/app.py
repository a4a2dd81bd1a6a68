"""The ASGI app: ``POST /gateway.do`` (the host protocol) and ``GET /healthz``.

Routes are a list so that parts mount beside them: the store manager's page under
``/manager`` (its own login, ``backoffice.manager.routes``); nothing else shares the
gateway's path. The gateway's work
(database and RSA) runs in Starlette's thread pool; the event loop only moves bytes.

Each uvicorn worker process builds its own app through ``create_app()`` (a factory),
reading what ``serve`` decided from the environment (``SERVE_ENV``): one engine (a
connection pool) per process, nothing shared between processes but the database.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import AsyncIterator

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backoffice.faces.template_key import key_path, load_template_cipher
from backoffice.gateway.dispatch import Gateway
from backoffice.locations import resolve_locations
from backoffice.manager.routes import manager_routes
from backoffice.manager.sessions import SessionSigner, load_or_create_secret
from backoffice.log_setup import setup_logging
from backoffice.settings import BackofficeSettings, load_settings
from backoffice.signing_keys import ensure_signing_key
from backoffice.wallets.resolution import Resolver
from backoffice.wallets.sealing import ensure_sealer
from backoffice.wallets.service import WalletService
from backoffice.storage.engine import open_engine
from backoffice.storage.migrate import is_current

log = logging.getLogger(__name__)

SERVE_ENV = "PAYTERM_BACKOFFICE_SERVE"
GATEWAY_PATH = "/gateway.do"
JSON_TYPE = "application/json;charset=utf-8"


@dataclass(frozen=True)
class ServeConfig:
    """What every worker needs to build its app (passed through the environment)."""

    database_url: str
    data_dir: str
    config_file: str | None = None

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "ServeConfig":
        raw = os.environ.get(SERVE_ENV)
        if not raw:
            raise RuntimeError(f"{SERVE_ENV} is not set: start with `payterm-backoffice serve`")
        return cls(**json.loads(raw))


async def read_body(request: Request, limit: int) -> bytes | None:
    """The whole body, or None as soon as it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def gateway_routes(gateway: Gateway, max_request_bytes: int) -> list[BaseRoute]:
    async def gateway_endpoint(request: Request) -> Response:
        body = await read_body(request, max_request_bytes)
        if body is None:
            text = await run_in_threadpool(gateway.refuse_too_large)
            # The rest of the body is not read: close the connection after answering.
            return Response(text, media_type=JSON_TYPE, headers={"Connection": "close"})
        content_type = request.headers.get("content-type", "")
        text = await run_in_threadpool(gateway.handle, body, content_type)
        return Response(text, media_type=JSON_TYPE)

    return [Route(GATEWAY_PATH, gateway_endpoint, methods=["POST"])]


def health_routes(engine: sa.Engine) -> list[BaseRoute]:
    def database_ok() -> bool:
        try:
            return is_current(engine)
        except sa.exc.SQLAlchemyError:
            return False

    async def healthz(request: Request) -> Response:
        ok = await run_in_threadpool(database_ok)
        return JSONResponse({"ok": ok, "database": "ok" if ok else "unavailable"},
                            status_code=200 if ok else 503)

    return [Route("/healthz", healthz, methods=["GET"])]


def build_app(gateway: Gateway, engine: sa.Engine, max_request_bytes: int,
              manager: list[BaseRoute] | None = None,
              wallets: WalletService | None = None) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if wallets is not None:
            # Finishes the wallet payments a killed process left unknown, and polls
            # the waiting ones by the wallets' rules.
            wallets.resolver.start()
        yield
        if wallets is not None:
            await run_in_threadpool(wallets.resolver.stop)
        engine.dispose()

    routes = (gateway_routes(gateway, max_request_bytes) + health_routes(engine)
              + list(manager or []))
    return Starlette(routes=routes, lifespan=lifespan)


def settings_file(explicit: str | None, default: Path) -> Path | None:
    """``--config`` when given, else the data directory's backoffice.toml if present."""
    if explicit:
        return Path(explicit)
    return default if default.exists() else None


def create_app() -> Starlette:
    """uvicorn's factory, run once in every worker process."""
    config = ServeConfig.from_env()
    locations = resolve_locations(config.data_dir)
    setup_logging()
    settings = load_settings(settings_file(config.config_file, locations.settings_file))
    key = ensure_signing_key(locations.private_key, locations.public_key)
    engine = open_engine(config.database_url, settings, application="gateway")
    face_cipher = load_template_cipher(key_path(settings.face_key_file, locations.face_key))
    if face_cipher is None:
        log.warning("no face template key: member face enrolment and sync are refused")
    wallets = wallet_service(engine, settings, locations.private_key.parent)
    gateway = Gateway(engine, settings, key, face_cipher=face_cipher, wallets=wallets)
    signer = SessionSigner(load_or_create_secret(locations.manager_secret))
    manager = manager_routes(engine, signer, settings.manager_session_hours)
    log.info("worker %d ready", os.getpid())
    return build_app(gateway, engine, settings.max_request_bytes, manager, wallets)


def wallet_service(engine: sa.Engine, settings: BackofficeSettings,
                   keys_dir: Path) -> WalletService:
    return WalletService(Resolver(engine, settings, ensure_sealer(keys_dir),
                                  runtime_dir=keys_dir / "wallet-runtime"))
