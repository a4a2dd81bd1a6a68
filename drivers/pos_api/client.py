"""A Terminal API client, as a POS (cash register) uses it. Copy it freely.

    client = TerminalApiClient(url, key, tls_sha256=fingerprint, sale_id="POS1",
                               poi_id="T0001")
    answer = client.pay("SALE-0001", "12.34")             # the customer pays on the terminal
    answer = client.pay("SALE-0002", "5.00", code="2812...")  # a code the POS scanned
    if result_of(answer, "PaymentResponse") == "InProgress":  # lost or slow: ask again
        answer = client.status(transaction_id="SALE-0002")

TLS: the terminal's certificate is self-signed; the client pins it by the SHA-256
fingerprint that ``payterm pos-api key --json`` shows (the certificate it fetches must
have that fingerprint, and only that certificate is trusted afterwards).
Every call has an overall deadline; answers are checked against the request (same
ServiceID, SaleID and service) before anything is believed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import ssl
import string
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx

MAX_ANSWER_BYTES = 1024 * 1024
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
        verify: ssl.SSLContext | bool = True
        if url.startswith("https://"):
            if not tls_sha256:
                raise TerminalApiError("an https URL needs the terminal's tls_sha256")
            verify = pinned_context(url, tls_sha256)
        self._timeout_s = timeout_s
        self._http = httpx.Client(verify=verify, timeout=httpx.Timeout(timeout_s),
                                  headers={"Authorization": f"Bearer {key}"})

    def close(self) -> None:
        self._http.close()

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
        headers = {"Content-Type": "application/json"}
        timeout = self._timeout_s
        if wait_s is not None:
            headers["Payterm-Timeout"] = f"{wait_s:g}"
            timeout = wait_s + 10.0
        data = json.dumps(request, default=_number).encode()
        try:
            with self._http.stream("POST", self.url, content=data, headers=headers,
                                   timeout=timeout) as reply:
                raw = _read_limited(reply)
        except httpx.HTTPError as exc:
            raise TerminalApiError(f"terminal unreachable: {type(exc).__name__}: {exc}") from exc
        if reply.status_code in (401, 429):
            raise TerminalApiError(f"refused ({reply.status_code}): {raw[:200]!r}")
        answer = json.loads(raw, parse_float=Decimal)
        if not isinstance(answer, dict):
            raise TerminalApiError("the answer is not a JSON object")
        check_answer(header, answer)
        return answer

    def build_request(self, service: str, body: dict[str, Any], service_id: str | None = None) -> dict[str, Any]:
        header = {"ProtocolVersion": "3.0", "MessageClass": "Service",
                  "MessageCategory": service, "MessageType": "Request",
                  "ServiceID": service_id or new_service_id(), "SaleID": self.sale_id,
                  "POIID": self.poi_id}
        return {"SaleToPOIRequest": {"MessageHeader": header, f"{service}Request": body}}

    def events(self, *, sale_only: bool = True) -> Iterator[dict[str, Any]]:
        """Progress events (server-sent events) until the caller stops iterating."""
        params = {"SaleID": self.sale_id} if sale_only else {}
        with self._http.stream("GET", f"{self.url}/events", params=params,
                               timeout=httpx.Timeout(self._timeout_s, read=60.0)) as reply:
            if reply.status_code != 200:
                raise TerminalApiError(f"events refused ({reply.status_code})")
            for line in reply.iter_lines():
                if line.startswith("data: "):
                    yield json.loads(line[6:])

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


def _read_limited(reply: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in reply.iter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise TerminalApiError(f"answer larger than {MAX_ANSWER_BYTES} bytes (cut)")
        chunks.append(chunk)
    return b"".join(chunks)


def _number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot send {type(value).__name__}")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
