"""The reference POS client's transport (standard library http.client) against real
loopback servers that misbehave on purpose: an overall deadline that a byte-by-byte
answer cannot stretch, answers over 1 MB refused, keep-alive connections reused and
replaced when the terminal closed them, one client shared by threads, a silent event
stream ended."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import drivers.pos_api.client as client_module
from drivers.pos_api.client import TerminalApiClient, TerminalApiError, result_of


def echo_answer(raw: bytes) -> bytes:
    request = json.loads(raw)["SaleToPOIRequest"]
    header = dict(request["MessageHeader"], MessageType="Response")
    service = header["MessageCategory"]
    return json.dumps({"SaleToPOIResponse": {
        "MessageHeader": header,
        f"{service}Response": {"Response": {"Result": "Success"}}}}).encode()


class Terminal(ThreadingHTTPServer):
    """A loopback stand-in for the terminal's HTTP face; ``mode`` picks the behaviour."""
    daemon_threads = True

    def __init__(self, mode: str = "echo") -> None:
        self.mode = mode
        self.connections = 0
        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/terminal-api"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Terminal

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        mode = self.server.mode
        if mode == "trickle":              # one byte of the status line every 0.2 s
            for byte in b"HTTP/1.1 200 OK\r\n":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
            return
        if mode == "huge-declared":
            self._send(b"{}", length=2 * 1024 * 1024)
            return
        if mode == "huge-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(20):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            return
        self._send(echo_answer(raw))
        if mode == "close-after":        # as the terminal's keep-alive timeout does
            self.close_connection = True

    def do_GET(self) -> None:             # a silent event stream
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        first = b"data: " + json.dumps({"Event": "WaitingForCustomer"}).encode() + b"\n\n"
        self.wfile.write(b"%x\r\n%s\r\n" % (len(first), first))
        self.wfile.flush()
        time.sleep(3)

    def _send(self, body: bytes, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def terminal():
    server = Terminal()
    yield server
    server.stop()


def test_the_call_deadline_is_overall_a_trickling_answer_cannot_stretch_it(terminal):
    terminal.mode = "trickle"            # 17 bytes at 0.2 s each: 3.4 s in all
    client = TerminalApiClient(terminal.url, "k", timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(TerminalApiError):
        client.diagnose()
    assert time.monotonic() - started < 2.0
    client.close()


@pytest.mark.parametrize("mode", ["huge-declared", "huge-chunked"])
def test_an_answer_over_one_megabyte_is_refused(terminal, mode):
    terminal.mode = mode
    with TerminalApiClient(terminal.url, "k", timeout_s=10) as client:
        with pytest.raises(TerminalApiError, match="larger than 1048576 bytes"):
            client.diagnose()


def test_a_keep_alive_connection_is_reused_and_replaced_once_the_terminal_closed_it(
        terminal):
    with TerminalApiClient(terminal.url, "k", timeout_s=10) as client:
        for _ in range(3):
            assert result_of(client.diagnose(), "DiagnosisResponse") == "Success"
        assert terminal.connections == 1
        terminal.mode = "close-after"
        assert result_of(client.diagnose(), "DiagnosisResponse") == "Success"
        time.sleep(0.2)                 # the terminal has closed it by now
        terminal.mode = "echo"
        assert result_of(client.diagnose(), "DiagnosisResponse") == "Success"
        assert terminal.connections == 2


def test_threads_share_a_client_each_call_on_its_own_connection(terminal):
    answers: list[str] = []
    with TerminalApiClient(terminal.url, "k", timeout_s=10) as client:
        def call() -> None:
            for _ in range(5):
                answers.append(result_of(client.diagnose(), "DiagnosisResponse"))
        threads = [threading.Thread(target=call) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert answers == ["Success"] * 20


def test_a_silent_event_stream_ends_with_an_error(terminal, monkeypatch):
    monkeypatch.setattr(client_module, "EVENT_IDLE_S", 0.5)
    seen = []
    with TerminalApiClient(terminal.url, "k", timeout_s=10) as client:
        with pytest.raises(TerminalApiError, match="stream broken"):
            for event in client.events():
                seen.append(event["Event"])
    assert seen == ["WaitingForCustomer"]


def test_an_unreachable_terminal_is_an_error_not_a_hang():
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    with TerminalApiClient(f"http://127.0.0.1:{port}/terminal-api", "k",
                           timeout_s=5) as client:
        with pytest.raises(TerminalApiError, match="unreachable"):
            client.diagnose()
