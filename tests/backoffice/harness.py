"""Running the back office for tests: in this process (a real uvicorn server on
loopback in a thread) or as the ``payterm-backoffice serve`` command; terminals with
their own keys speaking to it through the terminal's real HostClient; raw signed
requests for bad-input tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from sqlalchemy.engine import Connection, Engine

from backoffice.faces.template_key import TemplateCipher
from backoffice.gateway.dispatch import Gateway
from backoffice.http.app import GATEWAY_PATH, build_app, wallet_service
from backoffice.manager.routes import manager_routes
from backoffice.manager.sessions import SessionSigner
from backoffice.members.accounts import add_member
from backoffice.registry.terminals import add_terminal
from backoffice.settings import BackofficeSettings
from backoffice.signing_keys import SigningKey, public_pem
from backoffice.storage.engine import open_engine
from backoffice.storage.transaction import run_transaction
from drivers.host.client import HostClient
from drivers.host.wire import parse_signed_response, signed_request
from terminal.settings.host_section import HostSettings
from tests.backoffice.pg_server import free_port

REPO = Path(__file__).resolve().parents[2]
APP_ID = BackofficeSettings().app_id


def in_transaction(engine: Engine, work: Callable[[Connection, float], Any]) -> Any:
    return run_transaction(engine, lambda conn: work(conn, time.time()), write=True,
                           deadline_s=30)


@dataclass(frozen=True)
class TerminalIdentity:
    terminal_id: str
    store_id: str
    private_key: RSAPrivateKey

    @property
    def public_pem(self) -> bytes:
        return public_pem(self.private_key.public_key()).encode("ascii")


class InProcessBackoffice:
    """The real app under a real uvicorn server on 127.0.0.1, in a thread."""

    def __init__(self, database_url: str, settings: BackofficeSettings, key: SigningKey, *,
                 clock: Callable[[], float] = time.time,
                 face_cipher: TemplateCipher | None = None,
                 wallet_keys_dir: Path | None = None) -> None:
        """``wallet_keys_dir``: serve wallet codes through the connectors (their
        secrets sealed with that folder's key); without it they are refused."""
        self.settings = settings
        self.key = key
        self.face_cipher = face_cipher
        self.engine = open_engine(database_url, settings, application="test")
        self.wallets = (None if wallet_keys_dir is None else
                        wallet_service(self.engine, settings, wallet_keys_dir))
        self.gateway = Gateway(self.engine, settings, key, clock=clock,
                               face_cipher=face_cipher, wallets=self.wallets)
        manager = manager_routes(self.engine, SessionSigner(os.urandom(32)),
                                 settings.manager_session_hours, clock=clock)
        app = build_app(self.gateway, self.engine, settings.max_request_bytes, manager,
                        self.wallets)
        self.port = free_port()
        self._server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False,
            timeout_keep_alive=int(settings.http_keepalive_s)))
        self._thread = threading.Thread(target=self._server.run, daemon=True,
                                        name="backoffice-test-server")
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the in-process back office did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{GATEWAY_PATH}"

    def register(self, terminal: TerminalIdentity) -> None:
        in_transaction(self.engine, lambda conn, now: add_terminal(
            conn, terminal.terminal_id, terminal.store_id, terminal.public_pem, now))

    def add_member(self, member_id: str, balance_fen: int, store_id: str = "S1",
                   phone: str = "13800001234") -> None:
        in_transaction(self.engine, lambda conn, now: add_member(
            conn, member_id, phone, balance_fen, store_id, now))

    def client(self, terminal: TerminalIdentity, **overrides: Any) -> HostClient:
        return terminal_client(self.url, terminal, self.key, **overrides)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
        self.engine.dispose()


def terminal_client(url: str, terminal: TerminalIdentity, key: SigningKey,
                    **overrides: Any) -> HostClient:
    values = dict(base_url=url, read_timeout_s=10.0, connect_timeout_s=2.0,
                  connect_retry_delay_s=0.05)
    values.update(overrides)
    return HostClient(HostSettings(**values), terminal_id=terminal.terminal_id,
                      private_key=terminal.private_key,
                      host_public_key=key.private_key.public_key())


class RawCaller:
    """Signed (or deliberately broken) requests built by hand, answers verified with
    the back office's key: for the refusals a real client never provokes."""

    def __init__(self, url: str, key: SigningKey) -> None:
        self.url = url
        self.key = key
        self.http = httpx.Client(timeout=15.0, trust_env=False)

    def params(self, method: str, biz: dict[str, Any], private_key: RSAPrivateKey, *,
               app_id: str = APP_ID, now: float | None = None) -> dict[str, str]:
        return signed_request(method, biz, app_id=app_id, private_key=private_key,
                              now_epoch_s=time.time() if now is None else now)

    def post(self, params: dict[str, str] | bytes, method: str, *,
             content_type: str = "application/x-www-form-urlencoded;charset=utf-8") -> dict:
        body = params if isinstance(params, bytes) else urlencode(params).encode("utf-8")
        response = self.http.post(self.url, content=body, headers={"Content-Type": content_type})
        assert response.status_code == 200, response.text[:300]
        return parse_signed_response(response.text, method, self.key.private_key.public_key())

    def call(self, method: str, biz: dict[str, Any], private_key: RSAPrivateKey,
             **kwargs: Any) -> dict:
        return self.post(self.params(method, biz, private_key, **kwargs), method)

    def close(self) -> None:
        self.http.close()


class ServeProcess:
    """``payterm-backoffice serve`` as a separate process group (for kills and e2e)."""

    def __init__(self, data_dir: Path, database_url: str | None, *, workers: int = 1,
                 env: dict[str, str] | None = None, preexec: Callable[[], None] | None = None,
                 log_path: Path | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path or data_dir / "serve.log"
        full_env = {**os.environ, "PAYTERM_BACKOFFICE_DATA_DIR": str(data_dir), **(env or {})}
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backoffice", "serve",
             *(["--database", database_url] if database_url else []),   # None: the default
             "--listen", f"127.0.0.1:{self.port}", "--workers", str(workers)],
            cwd=REPO, env=full_env, stdout=self._log, stderr=self._log,
            start_new_session=True, preexec_fn=preexec)
        self.wait_healthy()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{GATEWAY_PATH}"

    def wait_healthy(self, deadline_s: float = 90.0) -> None:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.tail()}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2,
                             trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"serve did not become healthy: {self.tail()}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                             text=True).stdout.split()
        return [int(pid) for pid in out]

    def tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log.close()


def json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]
