"""The simulated host's HTTP side: ``POST /gateway.do`` plus loopback-only admin routes.

Admin (JSON; only from 127.0.0.1/::1):
  GET  /sim/health            {"ok": true}
  GET  /sim/ledger            trades (current states), charges, members
  GET  /sim/faults            the fault in force
  POST /sim/faults            {"mode": "http_500|html|garbage|slow|drop|bad_sign|none",
                               "commit": true, "count": N, "methods": [...], "delay_s": S,
                               "busy_members": [...], "down_for_s": S}
  POST /sim/members           [{"member_id": "M1", "balance_fen": 5000, "phone_last4": "1234"}]
  POST /sim/config            {"password_delay_s": S, "slow_delay_s": S,
                               "cancel_retry_times": N, "default_behaviour": "...",
                               "terminals": [{"terminal_id": "T0001", "disabled": false}],
                               "journal_switch_after_s": S}
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl

from drivers.host.simulator.config import member_seed, terminal_seed
from drivers.host.simulator.faults import Fault, fault_from_dict
from drivers.host.simulator.gateway import SimulatorApp
from drivers.host.simulator.reply import Reply
from terminal.errors import ConfigError

log = logging.getLogger(__name__)

GATEWAY_PATH = "/gateway.do"
MAX_BODY_BYTES = 2 * 1024 * 1024
_LOOPBACK = {"127.0.0.1", "::1"}


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    # Handler threads may be sleeping in a "slow" answer; stopping must not wait for them
    # (they wake up on app.stopping and hang up).
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, port: int, app: SimulatorApp,
                 take_down: Callable[[float], None] | None = None) -> None:
        self.app = app
        self.take_down = take_down
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), GatewayHandler)

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            (self._connections.add if open_ else self._connections.discard)(connection)

    def drop_connections(self) -> None:
        """Reset every open connection, as a host that loses power does: a client holding
        a keep-alive connection must not keep getting answers after "host down"."""
        with self._connections_lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-request (killed terminal, dropped test client) is
        # normal for a payment host; log it quietly instead of printing a traceback.
        log.debug("connection from %s ended abruptly", client_address, exc_info=True)


class GatewayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"     # keep-alive: one round trip per request
    server: SimulatorServer
    server_version = "payterm-host-sim/1"

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)
        # Headers and body go out in separate writes; without NODELAY, Nagle plus the
        # client's delayed ACK would add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s %s", self.address_string(), format % args)

    # -- routing ---------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._admin_allowed():
            return
        app = self.server.app
        if self.path == "/sim/health":
            self._send_json(200, {"ok": True})
        elif self.path == "/sim/ledger":
            self._send_json(200, {"trades": app.ledger.trades(), "charges": app.ledger.charges(),
                                  "members": app.ledger.members()})
        elif self.path == "/sim/faults":
            self._send_json(200, app.faults.describe())
        else:
            self._send_json(404, {"error": "not found"})

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        if self.path == GATEWAY_PATH:
            self._gateway(body)
        elif self.path.startswith("/sim/"):
            if self._admin_allowed():
                self._admin(body)
        else:
            self._send_json(404, {"error": "not found"})

    # -- gateway ---------------------------------------------------------------------------
    def _gateway(self, body: bytes) -> None:
        app = self.server.app
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            self._send_text(400, "text/plain", "request is not UTF-8")
            return
        method = params.get("method", "")
        fault = app.faults.take(method)
        if fault is not None and not fault.commit:
            if fault.mode != "slow":
                self._emit_fault(fault, method, None)
                return
            if not self._wait(fault.delay_s, app.config.slow_delay_s):
                return
            fault = None                       # slow before doing it: then answer normally
        method, reply = app.handle(params)
        if reply.drop:
            self._hang_up()
            return
        if fault is not None:
            if fault.mode == "slow":
                if not self._wait(fault.delay_s, app.config.slow_delay_s):
                    return
            else:
                self._emit_fault(fault, method, reply)
                return
        if reply.delay_s and not self._wait(reply.delay_s, reply.delay_s):
            return
        self._send_text(200, "application/json;charset=utf-8", app.answer_body(method, reply))

    def _emit_fault(self, fault: Fault, method: str, reply: Reply | None) -> None:
        if fault.mode == "http_500":
            self._send_text(500, "text/plain", "Internal Server Error")
        elif fault.mode == "html":
            self._send_text(200, "text/html;charset=utf-8",
                            "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")
        elif fault.mode == "garbage":
            self._send_bytes(200, "application/json;charset=utf-8", b'\x00\xff{"alipay_tr')
        elif fault.mode == "bad_sign":
            payload = reply or Reply({"code": "10000", "msg": "Success"})
            self._send_text(200, "application/json;charset=utf-8",
                            self.server.app.tampered_body(method or "payterm.ping", payload))
        else:                                   # drop
            self._hang_up()

    def _wait(self, delay_s: float | None, default_s: float) -> bool:
        """Sleep like a slow host; False (and hang up) if the simulator is stopping."""
        stopping = self.server.app.stopping
        if stopping.wait(default_s if delay_s is None else delay_s):
            self._hang_up()
            return False
        return True

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- admin -----------------------------------------------------------------------------
    def _admin_allowed(self) -> bool:
        if self.client_address[0] not in _LOOPBACK:
            self._send_json(403, {"error": "admin routes are loopback-only"})
            return False
        return True

    def _admin(self, body: bytes) -> None:
        app = self.server.app
        try:
            data = json.loads(body or b"{}")
            if self.path == "/sim/faults":
                if "busy_members" in data:
                    app.faults.set_busy_members(data["busy_members"])
                if "mode" in data:
                    app.faults.set(fault_from_dict(data))
                down_for = data.get("down_for_s")
                # Answer first: going down drops every connection, this one too.
                self._send_json(200, app.faults.describe())
                if down_for is not None and self.server.take_down is not None:
                    self.server.take_down(float(down_for))
            elif self.path == "/sim/members":
                for item in data:
                    seed = member_seed(item)
                    app.ledger.upsert_member(seed.member_id, seed.balance_fen, seed.phone_last4)
                self._send_json(200, {"members": app.ledger.members()})
            elif self.path == "/sim/faces/erase":
                erased = app.faces.erase(str(data["member_id"]), app.now())
                self._send_json(200, {"member_id": data["member_id"], "templates_erased": erased})
            elif self.path == "/sim/config":
                from dataclasses import asdict
                if "terminals" in data:
                    data["terminals"] = tuple(terminal_seed(t) for t in data["terminals"])
                config = app.update_config(**data)
                self._send_json(200, {k: v for k, v in asdict(config).items() if k != "members"})
            else:
                self._send_json(404, {"error": "not found"})
        except (ValueError, TypeError, KeyError, ConfigError) as exc:
            self._send_json(400, {"error": str(exc)})

    # -- plumbing --------------------------------------------------------------------------
    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send_text(413, "text/plain", "bad or too large Content-Length")
            return None
        return self.rfile.read(length)

    def _send_json(self, status: int, data: object) -> None:
        self._send_text(status, "application/json;charset=utf-8",
                        json.dumps(data, ensure_ascii=False, default=str))

    def _send_text(self, status: int, content_type: str, text: str) -> None:
        self._send_bytes(status, content_type, text.encode("utf-8"))

    def _send_bytes(self, status: int, content_type: str, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:       # the client gave up (read timeout): nothing more to do
            self.close_connection = True
