"""A Terminal API client, as a POS (cash register) uses it. Copy it freely: one file,
Python's standard library only.

    client = TerminalApiClient(url, key, tls_sha256=fingerprint, sale_id="POS1",
                               poi_id="T0001")
    answer = client.pay("SALE-0001", "12.34")             # the customer pays on the terminal
    answer = client.pay("SALE-0002", "5.00", code="2812...")  # a code the POS scanned
    if result_of(answer, "PaymentResponse") == "InProgress":  # lost or slow: ask again
        answer = client.status(transaction_id="SALE-0002")

TLS: the terminal's certificate is self-signed; the client pins it by the SHA-256
fingerprint that ``payterm pos-api key --json`` shows (the certificate it fetches must
have that fingerprint, and only that certificate is trusted afterwards).
Every call has an overall deadline (connecting, sending and every read of the answer
share it); answers are read up to 1 MB and checked against the request (same ServiceID,
SaleID and service) before anything is believed. Keep-alive connections are reused;
threads may share a client (an abort sent while a payment call waits takes a connection
of its own).
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import io
import json
import secrets
import select
import socket
import ssl
import string
import threading
import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterator
from urllib.parse import urlencode, urlsplit

MAX_ANSWER_BYTES = 1024 * 1024
MAX_EVENT_LINE_BYTES = 64 * 1024
EVENT_IDLE_S = 60.0          # the terminal sends a keepalive every 15 s
# The terminal closes a keep-alive connection after 5 idle seconds; one idle for longer
# than this is not reused (so a request never goes out on a connection being closed).
REUSE_IDLE_S = 4.0
_ALPHABET = string.ascii_uppercase + string.digits


class TerminalApiError(Exception):
    """The terminal could not be reached, refused the key, or answered something that
    is not an answer to this request."""


def new_service_id() -> str:
    """A fresh ServiceID (nexo: up to 10 characters, unique per SaleID)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def pinned_context(url: str, tls_sha256: str, timeout_s: float = 5.0) -> ssl.SSLContext:
    parts = urlsplit(url)
    pem = ssl.get_server_certificate((parts.hostname or "", parts.port or 443),
                                     timeout=timeout_s)
    der = ssl.PEM_cert_to_DER_cert(pem)
    if hashlib.sha256(der).hexdigest() != tls_sha256.lower().replace(":", ""):
        raise TerminalApiError("the terminal's certificate does not have the pinned "
                               "fingerprint (tls_sha256): refusing to talk to it")
    context = ssl.create_default_context(cadata=pem)
    context.check_hostname = False        # trust is the pinned certificate itself
    return context


def result_of(answer: dict[str, Any], body_key: str) -> str:
    """"Success", or the ErrorCondition of a Failure."""
    response = answer["SaleToPOIResponse"].get(body_key, {}).get("Response", {})
    if response.get("Result") == "Success":
        return "Success"
    return str(response.get("ErrorCondition", "Failure"))


class TerminalApiClient:
    def __init__(self, url: str, key: str, *, tls_sha256: str = "", sale_id: str = "POS1",
                 poi_id: str = "T0001", timeout_s: float = 90.0) -> None:
        self.url, self.sale_id, self.poi_id = url, sale_id, poi_id
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TerminalApiError(f"not an http(s) URL: {url!r}")
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._path = parts.path or "/"
        self._tls: ssl.SSLContext | None = None
        if parts.scheme == "https":
            if not tls_sha256:
                raise TerminalApiError("an https URL needs the terminal's tls_sha256")
            self._tls = pinned_context(url, tls_sha256)
        self._timeout_s = timeout_s
        self._auth = f"Bearer {key}"
        self._idle: list[tuple[http.client.HTTPConnection, float]] = []   # (conn, since)
        self._idle_lock = threading.Lock()

    def close(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for conn, _since in idle:
            conn.close()

    def __enter__(self) -> "TerminalApiClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- services ---------------------------------------------------------------------
    def pay(self, transaction_id: str, amount: str | Decimal, *, code: str | None = None,
            service_id: str | None = None, wait_s: float | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"SaleData": {"SaleTransactionID": {
                          "TransactionID": transaction_id, "TimeStamp": now_iso()}},
                      "PaymentTransaction": {"AmountsReq": {
                          "Currency": "CNY", "RequestedAmount": Decimal(str(amount))}}}
        if code:
            body["PaymentData"] = {"PaymentCode": code}
        return self.send("Payment", body, service_id=service_id, wait_s=wait_s)

    def abort(self, *, service_id: str | None = None,
              transaction_id: str | None = None) -> dict[str, Any]:
        return self.send("Abort", {"MessageReference": self._reference(service_id,
                                                                       transaction_id),
                                   "AbortReason": "MerchantAbort"})

    def status(self, *, service_id: str | None = None,
               transaction_id: str | None = None) -> dict[str, Any]:
        return self.send("TransactionStatus", {
            "MessageReference": self._reference(service_id, transaction_id)})

    def reverse(self, out_trade_no: str, amount: str | Decimal | None = None, *,
                key: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"OriginalPOITransaction": {"POITransactionID": {
                          "TransactionID": out_trade_no, "TimeStamp": now_iso()}},
                      "ReversalReason": "MerchantCancel"}
        if amount is not None:
            body["ReversedAmount"] = Decimal(str(amount))
        if key:
            body["SaleData"] = {"SaleTransactionID": {"TransactionID": key,
                                                      "TimeStamp": now_iso()}}
        return self.send("Reversal", body)

    def reconcile(self) -> dict[str, Any]:
        return self.send("Reconciliation", {"ReconciliationType": "SaleReconciliation"})

    def diagnose(self) -> dict[str, Any]:
        return self.send("Diagnosis", {"HostDiagnosisFlag": True})

    def print_text(self, lines: list[str], document: str = "SaleReceipt") -> dict[str, Any]:
        return self.send("Print", {"PrintOutput": {
            "DocumentQualifier": document, "ResponseMode": "PrintEnd",
            "OutputContent": {"OutputFormat": "Text",
                              "OutputText": [{"Text": line} for line in lines]}}})

    def send(self, service: str, body: dict[str, Any], *, service_id: str | None = None,
             wait_s: float | None = None) -> dict[str, Any]:
        request = self.build_request(service, body, service_id)
        header = request["SaleToPOIRequest"]["MessageHeader"]
        headers = {"Content-Type": "application/json", "Authorization": self._auth}
        timeout = self._timeout_s
        if wait_s is not None:
            headers["Payterm-Timeout"] = f"{wait_s:g}"
            timeout = wait_s + 10.0
        data = json.dumps(request, default=_number).encode()
        status, raw = self._post(data, headers, time.monotonic() + timeout)
        if status in (401, 429):
            raise TerminalApiError(f"refused ({status}): {raw[:200]!r}")
        try:
            answer = json.loads(raw, parse_float=Decimal)
        except ValueError as exc:
            raise TerminalApiError(f"the answer ({status}) is not JSON: {exc}") from None
        if not isinstance(answer, dict):
            raise TerminalApiError("the answer is not a JSON object")
        check_answer(header, answer)
        return answer

    def build_request(self, service: str, body: dict[str, Any],
                      service_id: str | None = None) -> dict[str, Any]:
        header = {"ProtocolVersion": "3.0", "MessageClass": "Service",
                  "MessageCategory": service, "MessageType": "Request",
                  "ServiceID": service_id or new_service_id(), "SaleID": self.sale_id,
                  "POIID": self.poi_id}
        return {"SaleToPOIRequest": {"MessageHeader": header, f"{service}Request": body}}

    def events(self, *, sale_only: bool = True) -> Iterator[dict[str, Any]]:
        """Progress events (server-sent events) until the caller stops iterating. Its
        own connection; a stream silent for EVENT_IDLE_S (the terminal sends a
        keepalive every 15 s) ends with TerminalApiError."""
        query = "?" + urlencode({"SaleID": self.sale_id}) if sale_only else ""
        conn = self._connect(time.monotonic() + self._timeout_s)
        try:
            try:
                conn.request("GET", f"{self._path}/events{query}",
                             headers={"Authorization": self._auth,
                                      "Accept": "text/event-stream"})
                conn.response_class = _timed_response(None, idle_s=EVENT_IDLE_S)
                reply = conn.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                raise TerminalApiError(f"events: terminal unreachable: {exc!r}") from exc
            if reply.status != 200:
                raise TerminalApiError(f"events refused ({reply.status})")
            while True:
                try:
                    line = reply.readline(MAX_EVENT_LINE_BYTES)
                except (OSError, http.client.HTTPException) as exc:
                    raise TerminalApiError(f"events: stream broken: {exc!r}") from exc
                if not line:
                    return
                if not line.endswith(b"\n"):
                    raise TerminalApiError(f"events: a line longer than "
                                           f"{MAX_EVENT_LINE_BYTES} bytes")
                if line.startswith(b"data: "):
                    try:
                        event = json.loads(line[6:])
                    except ValueError as exc:
                        raise TerminalApiError(f"events: not JSON: {exc}") from None
                    yield event
        finally:
            conn.close()

    # -- transport ----------------------------------------------------------------------
    def _post(self, data: bytes, headers: dict[str, str],
              deadline: float) -> tuple[int, bytes]:
        conn = self._reusable() or self._connect(deadline)
        try:
            conn.sock.settimeout(_remaining(deadline))
            conn.request("POST", self._path, body=data, headers=headers)
            conn.response_class = _timed_response(deadline)
            reply = conn.getresponse()
            raw = _read_limited(reply)
        except TerminalApiError:
            conn.close()
            raise
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise TerminalApiError(f"terminal unreachable: {type(exc).__name__}: "
                                   f"{exc}") from exc
        if reply.will_close or not reply.isclosed():
            conn.close()
        else:                             # back only after a whole answer was read
            with self._idle_lock:
                self._idle.append((conn, time.monotonic()))
        return reply.status, raw

    def _reusable(self) -> http.client.HTTPConnection | None:
        """The newest idle keep-alive connection, unless it idled long enough for the
        terminal to close it or the terminal has closed it (readable while idle: end of
        stream); those are closed."""
        while True:
            with self._idle_lock:
                if not self._idle:
                    return None
                conn, since = self._idle.pop()
            if (conn.sock is None or time.monotonic() - since > REUSE_IDLE_S
                    or _readable_while_idle(conn.sock)):
                conn.close()
                continue
            return conn

    def _connect(self, deadline: float) -> http.client.HTTPConnection:
        timeout = _remaining(deadline)
        conn: http.client.HTTPConnection
        if self._tls is not None:
            conn = http.client.HTTPSConnection(self._host, self._port, timeout=timeout,
                                               context=self._tls)
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        try:
            conn.connect()
            _remaining(deadline)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise TerminalApiError(f"terminal unreachable: {type(exc).__name__}: "
                                   f"{exc}") from exc
        except TerminalApiError:
            conn.close()
            raise
        return conn

    def _reference(self, service_id: str | None, transaction_id: str | None) -> dict[str, Any]:
        ref: dict[str, Any] = {"MessageCategory": "Payment", "SaleID": self.sale_id}
        if service_id:
            ref["ServiceID"] = service_id
        if transaction_id:
            ref["SaleTransactionID"] = {"TransactionID": transaction_id}
        return ref


def check_answer(header: dict[str, Any], answer: dict[str, Any]) -> None:
    """The answer must be about this request: same ServiceID, SaleID, POIID and service,
    each present, and the service's response body. The one exception is an
    ``ErrorResponse`` (the terminal could not read the request at all): it names no
    request and changes nothing."""
    envelope = answer.get("SaleToPOIResponse")
    got = envelope.get("MessageHeader") if isinstance(envelope, dict) else None
    if not isinstance(envelope, dict) or not isinstance(got, dict):
        raise TerminalApiError("not a SaleToPOIResponse")
    if set(envelope) == {"MessageHeader", "ErrorResponse"} and "ServiceID" not in got:
        return
    for name in ("ServiceID", "SaleID", "POIID", "MessageCategory"):
        if got.get(name) != header[name]:
            raise TerminalApiError(f"answer for another request ({name} "
                                   f"{got.get(name)!r}, sent {header[name]!r})")
    if f"{header['MessageCategory']}Response" not in envelope:
        raise TerminalApiError(f"answer without {header['MessageCategory']}Response")


class _TimedReader(io.RawIOBase):
    """Reads a socket with the time left before ``deadline`` (an overall deadline: a
    terminal that sends its answer byte by byte cannot stretch it), or with an idle
    limit per read."""

    def __init__(self, sock: socket.socket, deadline: float | None, idle_s: float,
                 keep: Any) -> None:
        super().__init__()
        self._sock, self._deadline, self._idle_s = sock, deadline, idle_s
        # http.client's own reader of the socket, kept open while this one is: it holds
        # the socket open when the connection is closed under a "Connection: close"
        # answer that is still being read.
        self._keep = keep

    @classmethod
    def wrap(cls, sock: socket.socket, deadline: float | None, keep: Any,
             idle_s: float = 0.0) -> io.BufferedReader:
        return io.BufferedReader(cls(sock, deadline, idle_s, keep))

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        super().close()
        self._keep.close()

    def readinto(self, buffer: Any) -> int:
        timeout = self._idle_s if self._deadline is None else _remaining(self._deadline)
        self._sock.settimeout(timeout)
        return self._sock.recv_into(buffer)


class _TimedResponse(http.client.HTTPResponse):
    """An HTTPResponse whose every read (status line, headers, body) is timed by
    ``_TimedReader``."""

    def __init__(self, sock: socket.socket, *args: Any, deadline: float | None,
                 idle_s: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = _TimedReader.wrap(sock, deadline, self.fp, idle_s)


def _timed_response(deadline: float | None, idle_s: float = 0.0) -> Any:
    """What to set as a connection's response_class before getresponse()."""
    return functools.partial(_TimedResponse, deadline=deadline, idle_s=idle_s)


def _readable_while_idle(sock: socket.socket) -> bool:
    """An idle connection with something to read has been closed by the terminal (or
    holds bytes no request asked for): either way it is not used again. A socket that
    select() cannot watch (a descriptor above its limit) counts as not reusable."""
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TerminalApiError("no answer before the call's deadline")
    return left


def _read_limited(reply: http.client.HTTPResponse) -> bytes:
    declared = reply.getheader("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise TerminalApiError(f"answer larger than {MAX_ANSWER_BYTES} bytes (not read)")
    raw = reply.read(MAX_ANSWER_BYTES + 1)
    if len(raw) > MAX_ANSWER_BYTES:
        raise TerminalApiError(f"answer larger than {MAX_ANSWER_BYTES} bytes (cut)")
    return raw


def _number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot send {type(value).__name__}")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
