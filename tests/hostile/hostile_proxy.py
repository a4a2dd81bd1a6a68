"""A hostile host: a real HTTP proxy on 127.0.0.1 in front of the host simulator.

It stands where a compromised or buggy back office (or anyone holding the host's key)
would stand. Every request from the terminal reaches ``HostileProxy.attack`` (when set),
which decides the answer:

* ``forward()``: send the request to the simulator and get its genuine answer;
* ``resign(body, method, **changes)``: the answer with other fields, signed again with
  the real host key (so the signature verifies);
* ``transplant(body, from_method, to_method)``: a genuine signed answer of one method
  (e.g. a ping) placed under another method's answer key, signature untouched;
* ``Trickle(body, interval_s)``: the answer one byte at a time;
* ``Flood(size, declare_length)``: an answer of ``size`` bytes, with or without a
  Content-Length, written in 64 KB chunks until the terminal hangs up.

Without an attack the proxy is transparent. Every genuine answer is kept in
``answers[(method, out_trade_no)]`` so that tests can replay it later.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from drivers.host import signing

JSON_TYPE = "application/json;charset=utf-8"


@dataclass(frozen=True)
class Body:
    """Answer with this exact text."""

    text: str


@dataclass(frozen=True)
class Trickle:
    """Answer with ``text``, one byte every ``interval_s`` (Content-Length declared)."""

    text: str
    interval_s: float


@dataclass(frozen=True)
class Flood:
    """An answer of ``size`` bytes of JSON whitespace then ``{}``."""

    size: int
    declare_length: bool = True


Answer = Body | Trickle | Flood


@dataclass
class Exchange:
    """One request from the terminal, as the proxy sees it."""

    method: str
    params: dict
    biz: dict
    raw: bytes
    proxy: "HostileProxy"
    upstream_body: str | None = None

    @property
    def out_trade_no(self) -> str:
        return str(self.biz.get("out_trade_no", ""))

    def forward(self) -> str:
        """The simulator's genuine answer to this very request (sent once)."""
        if self.upstream_body is None:
            self.upstream_body = self.proxy.send_upstream(self.raw)
        return self.upstream_body


@dataclass
class ProxyStats:
    bytes_sent: int = 0              # body bytes of trickled/flooded answers written
    client_hung_up: bool = False
    answered: list = field(default_factory=list)   # (method, out_trade_no, answer kind)


def response_member(body: str, method: str) -> tuple[dict, str]:
    """The parsed answer object of ``method`` and the body's ``sign``."""
    members = signing.top_level_members(body)
    return json.loads(members[signing.response_key(method)]), json.loads(members["sign"])


def resign(body: str, method: str, key: RSAPrivateKey, *, drop: tuple[str, ...] = (),
           **changes) -> str:
    """``body`` (an answer of ``method``) with fields changed or dropped, signed again
    with ``key`` exactly as the host signs."""
    payload, _sign = response_member(body, method)
    payload.update(changes)
    for name in drop:
        payload.pop(name, None)
    return signing.signed_response_body(method, payload, key)


def transplant(body: str, from_method: str, to_method: str) -> str:
    """The genuine signed member of ``from_method`` placed under ``to_method``'s key."""
    members = signing.top_level_members(body)
    return '{"%s":%s,"sign":%s}' % (signing.response_key(to_method),
                                    members[signing.response_key(from_method)],
                                    members["sign"])


class HostileProxy:
    """Start with ``with HostileProxy(sim.url, host_key) as proxy:``; ``proxy.url`` is the
    gateway URL the terminal is given."""

    def __init__(self, upstream_url: str, host_key: RSAPrivateKey) -> None:
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname, parts.port, parts.path)
        self.host_key = host_key
        self.attack: Callable[[Exchange], Answer | None] | None = None
        self.answers: dict[tuple[str, str], str] = {}
        self.seen: list[Exchange] = []
        self.stats = ProxyStats()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _ProxyServer(self)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name="hostile-proxy")
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self._upstream[2]}"

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> "HostileProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- used by attacks -------------------------------------------------------------
    def resign(self, body: str, method: str, **changes) -> str:
        return resign(body, method, self.host_key, **changes)

    def send_upstream(self, raw: bytes) -> str:
        host, port, path = self._upstream
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request("POST", path, body=raw, headers={
                "Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
            response = connection.getresponse()
            return response.read().decode("utf-8")
        finally:
            connection.close()

    def genuine(self, method: str, out_trade_no: str = "") -> str:
        """A genuine answer seen earlier (for replays)."""
        return self.answers[(method, out_trade_no)]

    def methods_seen(self) -> list[str]:
        with self._lock:
            return [e.method for e in self.seen]

    # -- the handler's side ------------------------------------------------------------
    def decide(self, exchange: Exchange) -> Answer:
        with self._lock:
            self.seen.append(exchange)
            attack = self.attack
        answer = attack(exchange) if attack is not None else None
        if answer is None:
            answer = Body(exchange.forward())
        if exchange.upstream_body is not None:
            with self._lock:
                self.answers[(exchange.method, exchange.out_trade_no)] = exchange.upstream_body
        self.stats.answered.append((exchange.method, exchange.out_trade_no,
                                    type(answer).__name__))
        return answer


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, proxy: HostileProxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request, client_address) -> None:
        pass          # a terminal that hangs up on a flood is the point of the test


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            biz = {}
        proxy = self.server.proxy
        answer = proxy.decide(Exchange(params.get("method", ""), params, biz, raw, proxy))
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if isinstance(answer, Body):
                data = answer.text.encode("utf-8")
                self._headers(len(data))
                self.wfile.write(data)
            elif isinstance(answer, Trickle):
                self._trickle(answer)
            else:
                self._flood(answer)
        except OSError:
            proxy.stats.client_hung_up = True
            self.close_connection = True

    def _headers(self, length: int | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()

    def _trickle(self, answer: Trickle) -> None:
        data = answer.text.encode("utf-8")
        self._headers(len(data))
        stats = self.server.proxy.stats
        for index in range(len(data)):
            if self.server.proxy.stopping.wait(answer.interval_s):
                return
            self.wfile.write(data[index:index + 1])
            self.wfile.flush()
            stats.bytes_sent += 1

    def _flood(self, answer: Flood) -> None:
        chunk = b" " * 65536
        self._headers(answer.size + 2 if answer.declare_length else None)
        stats = self.server.proxy.stats
        written = 0
        while written < answer.size and not self.server.proxy.stopping.is_set():
            piece = chunk[:min(len(chunk), answer.size - written)]
            if answer.declare_length:
                self.wfile.write(piece)
            else:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            written += len(piece)
            stats.bytes_sent = written
        tail = b"{}"
        if answer.declare_length:
            self.wfile.write(tail)
        else:
            self.wfile.write(b"2\r\n{}\r\n0\r\n\r\n")
        self.wfile.flush()


def wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
