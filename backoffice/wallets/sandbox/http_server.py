"""A sandbox on a loopback (or given) address: a threading HTTP server whose answers can
be slow or dropped after the wallet booked them, like a real gateway on a bad day."""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Protocol

MAX_REQUEST_BYTES = 64 * 1024


@dataclass(frozen=True)
class SandboxAnswer:
    body: bytes
    content_type: str
    status: int = 200
    delay_s: float = 0.0
    drop: bool = False          # close the connection without answering


@dataclass(frozen=True)
class SandboxRequest:
    path: str
    query: str
    body: bytes
    content_type: str
    #: the verified TLS client certificate's subject common name ('' without one)
    client_cn: str = ""


class SandboxApp(Protocol):
    def handle(self, request: SandboxRequest) -> SandboxAnswer: ...


def _handler(app: SandboxApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:   # noqa: A002
            return

        def do_GET(self) -> None:          # noqa: N802
            self._serve(b"")

        def do_POST(self) -> None:         # noqa: N802
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_REQUEST_BYTES:
                self._send(SandboxAnswer(b"bad length", "text/plain", status=413))
                return
            self._serve(self.rfile.read(length))

        def _serve(self, body: bytes) -> None:
            path, _, query = self.path.partition("?")
            request = SandboxRequest(path=path, query=query, body=body,
                                     content_type=self.headers.get("Content-Type", ""),
                                     client_cn=_client_cn(self.connection))
            self._send(app.handle(request))

        def _send(self, answer: SandboxAnswer) -> None:
            if answer.delay_s:
                time.sleep(answer.delay_s)
            if answer.drop:
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

    return Handler


def _client_cn(connection: object) -> str:
    getpeercert = getattr(connection, "getpeercert", None)
    if getpeercert is None:
        return ""
    cert = getpeercert() or {}
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return ""


class SandboxServer:
    """Serves ``app`` in a daemon thread until ``stop()``."""

    def __init__(self, app: SandboxApp, host: str = "127.0.0.1", port: int = 0, *,
                 tls: ssl.SSLContext | None = None) -> None:
        self.app = app
        self._server = ThreadingHTTPServer((host, port), _handler(app))
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="wallet-sandbox")
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def serve_until(self, stop: Callable[[], bool]) -> None:
        while not stop():
            time.sleep(0.2)
