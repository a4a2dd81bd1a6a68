"""The terminal's HTTP client for the payment host (httpx, one pooled connection).

Implements the PaymentHost, MemberHost, HostHealth and BatchHost ports. Every call is one
signed form POST; the answer's signature is checked before anything in it is believed.

Errors (see terminal/errors.py): HostUnreachable when nothing was sent (connect refused,
DNS, connect or pool timeout); OutcomeUnknown when the request may have taken effect
(read/write timeout, dropped connection, HTTP error status, HTML or garbage, missing or bad
signature); HostRejected when the host refused the request. Only query, ping, balance and
the daily statement are retried, and only on connect errors; a pay is never re-sent here.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from drivers.host import answers
from drivers.host.keys import load_private_key, load_public_key
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_MEMBER_BALANCE, METHOD_MEMBER_PAY, METHOD_PAY,
                               METHOD_PING, METHOD_QUERY, METHOD_REFUND, ResponseInvalid,
                               parse_signed_response, signed_request)
from terminal.errors import ConfigError, HostUnreachable, OutcomeUnknown
from terminal.host_batch_messages import (MAX_BATCH_RECORDS, BatchItemResult,
                                          DailyStatement, OfflineRecord)
from terminal.host_messages import (CancelAnswer, MemberPayRequest, PayAnswer, PayRequest,
                                    PingAnswer, QueryAnswer, RefundAnswer)
from terminal.money import to_yuan_string
from terminal.settings.host_section import HostSettings

log = logging.getLogger(__name__)

_FORM_TYPE = "application/x-www-form-urlencoded;charset=utf-8"


class AnswerLost(OutcomeUnknown):
    """The request went out and the connection failed before a whole answer came back."""


class HostClient:
    """One host connection pool. Thread-safe; close() when done (or use ``with``)."""

    def __init__(self, settings: HostSettings, *, terminal_id: str,
                 private_key: RSAPrivateKey, host_public_key: RSAPublicKey,
                 wall_clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._settings = settings
        self._terminal_id = terminal_id
        self._private_key = private_key
        self._host_public_key = host_public_key
        self._wall_clock = wall_clock
        self._sleep = sleep
        timeout = httpx.Timeout(connect=settings.connect_timeout_s,
                                read=settings.read_timeout_s,
                                write=settings.write_timeout_s,
                                pool=settings.pool_timeout_s)
        # Keep-alive: a pay is one round trip on an open connection. trust_env=False so a
        # proxy variable on the kiosk cannot silently reroute signed payment requests.
        # One client serves every worker of the process (payments, refunds, end of day,
        # status, resolver, sync): enough connections that a pay never waits for a slot.
        self._http = httpx.Client(timeout=timeout, transport=transport, trust_env=False,
                                  limits=httpx.Limits(max_connections=8,
                                                      max_keepalive_connections=2,
                                                      keepalive_expiry=30.0))

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "HostClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- PaymentHost -------------------------------------------------------------------
    def pay(self, request: PayRequest) -> PayAnswer:
        """Trade pay (bar code). Never retried here: the resolver decides, by query."""
        biz = {"out_trade_no": request.out_trade_no, "scene": request.scene,
               "auth_code": request.auth_code, "subject": request.subject,
               "total_amount": to_yuan_string(request.total_fen),
               "terminal_id": request.terminal_id}
        payload = self._call(METHOD_PAY, biz, request.out_trade_no)
        return answers.pay_answer(payload)

    def query(self, out_trade_no: str) -> QueryAnswer:
        payload = self._call(METHOD_QUERY, {"out_trade_no": out_trade_no,
                                            "terminal_id": self._terminal_id}, out_trade_no,
                             connect_retries=self._settings.connect_retries)
        return answers.query_answer(payload)

    def cancel(self, out_trade_no: str) -> CancelAnswer:
        payload = self._call(METHOD_CANCEL, {"out_trade_no": out_trade_no,
                                             "terminal_id": self._terminal_id}, out_trade_no)
        return answers.cancel_answer(payload)

    def refund(self, out_trade_no: str, refund_fen: int, out_request_no: str,
               reason: str = "") -> RefundAnswer:
        biz = {"out_trade_no": out_trade_no, "out_request_no": out_request_no,
               "refund_amount": to_yuan_string(refund_fen), "terminal_id": self._terminal_id}
        if reason:
            biz["refund_reason"] = reason
        payload = self._call(METHOD_REFUND, biz, out_trade_no)
        return answers.refund_answer(payload, refund_fen)

    # -- MemberHost --------------------------------------------------------------------
    def member_pay(self, request: MemberPayRequest) -> PayAnswer:
        biz = {"out_trade_no": request.out_trade_no, "member_id": request.member_id,
               "total_amount": to_yuan_string(request.total_fen),
               "subject": request.subject, "terminal_id": request.terminal_id,
               "evidence": dict(request.evidence)}
        payload = self._call(METHOD_MEMBER_PAY, biz, request.out_trade_no)
        return answers.pay_answer(payload, METHOD_MEMBER_PAY)

    def member_balance(self, member_id: str) -> int:
        payload = self._call(METHOD_MEMBER_BALANCE, {"member_id": member_id,
                                                     "terminal_id": self._terminal_id}, "",
                             connect_retries=self._settings.connect_retries)
        return answers.balance_fen(payload)

    # -- HostHealth --------------------------------------------------------------------
    def ping(self, report: dict | None = None) -> PingAnswer:
        """``report``: optional ``version``, ``offline_backlog``, ``diag`` for the back
        office (docs/backoffice.md, "Ping")."""
        started = time.monotonic()
        payload = self._call(METHOD_PING, {**(report or {}), "terminal_id": self._terminal_id}, "",
                             connect_retries=self._settings.connect_retries)
        round_trip = time.monotonic() - started
        answers.require_success(payload, METHOD_PING)
        try:
            host_time = float(payload["server_time"])
        except (KeyError, TypeError, ValueError):
            raise OutcomeUnknown("ping answer has no server_time") from None
        return PingAnswer(host_time_epoch_s=host_time, round_trip_s=round_trip)

    # -- BatchHost ---------------------------------------------------------------------
    def upload_offline_batch(self, records: Sequence[OfflineRecord]) -> list[BatchItemResult]:
        """Forward offline records; idempotent at the host, so a resend after
        OutcomeUnknown is safe. Raises ValueError for an empty or oversized batch."""
        if not records or len(records) > MAX_BATCH_RECORDS:
            raise ValueError(f"a batch carries 1..{MAX_BATCH_RECORDS} records, "
                             f"not {len(records)}")
        wire_records = [{"out_trade_no": r.out_trade_no, "tender": r.tender.value,
                         "member_id": r.member_id, "total_amount": to_yuan_string(r.amount_fen),
                         "created_at": round(float(r.created_at_epoch_s), 3),
                         "terminal_id": r.terminal_id, "subject": r.subject,
                         "evidence": dict(r.evidence)} for r in records]
        payload = self._call(METHOD_BATCH_UPLOAD,
                             {"terminal_id": self._terminal_id, "records": wire_records},
                             f"batch of {len(records)}")
        return answers.batch_results(payload, [r.out_trade_no for r in records])

    def daily_statement(self, day: date) -> DailyStatement:
        payload = self._call(METHOD_BILL_DAILY,
                             {"terminal_id": self._terminal_id, "bill_date": day.isoformat()},
                             "", connect_retries=self._settings.connect_retries)
        return answers.daily_statement(payload, self._terminal_id, day)

    # -- transport -----------------------------------------------------------------------
    def _call(self, method: str, biz: dict, subject_ref: str, *,
              connect_retries: int = 0) -> dict:
        """One signed POST, with up to ``connect_retries`` more tries when it could not
        connect (only then is a resend certainly harmless).

        Methods that change nothing (those given ``connect_retries``: query, ping,
        balance, statement) also get one more try when the answer is lost: a pooled
        keep-alive connection that the host closed while idle fails that way, and asking
        again cannot change any money."""
        attempt = 0
        answer_lost_retried = False
        while True:
            try:
                return self._post_once(method, biz, subject_ref)
            except HostUnreachable:
                if attempt >= connect_retries:
                    raise
                attempt += 1
                self._sleep(self._settings.connect_retry_delay_s)
            except AnswerLost:
                if connect_retries == 0 or answer_lost_retried:
                    raise
                answer_lost_retried = True

    def _post_once(self, method: str, biz: dict, subject_ref: str) -> dict:
        params = signed_request(method, biz, app_id=self._settings.app_id,
                                private_key=self._private_key,
                                now_epoch_s=self._wall_clock())
        started = time.monotonic()
        try:
            response = self._http.post(self._settings.base_url, data=params,
                                       headers={"Content-Type": _FORM_TYPE})
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            log.warning("host %s %s: not reached (%s)", method, subject_ref,
                        type(exc).__name__)
            raise HostUnreachable(f"{method}: host not reached: {exc}") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise ConfigError("host.base_url", f"cannot be used: {exc}") from exc
        except httpx.TransportError as exc:
            # Sent (at least partly) and no complete answer: it may have been booked.
            log.warning("host %s %s: outcome unknown (%s)", method, subject_ref,
                        type(exc).__name__)
            raise AnswerLost(f"{method}: no answer ({type(exc).__name__}: {exc})") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        if response.status_code != 200:
            log.warning("host %s %s: HTTP %s in %.0f ms", method, subject_ref,
                        response.status_code, elapsed_ms)
            raise OutcomeUnknown(f"{method}: host answered HTTP {response.status_code}")
        try:
            body = response.content.decode("utf-8")
            payload = parse_signed_response(body, method, self._host_public_key)
        except (UnicodeDecodeError, ResponseInvalid) as exc:
            log.warning("host %s %s: unusable answer (%s)", method, subject_ref, exc)
            raise OutcomeUnknown(f"{method}: unusable answer from the host: {exc}") from exc
        log.info("host %s %s -> %s %s in %.0f ms", method, subject_ref, payload.get("code"),
                 payload.get("sub_code", ""), elapsed_ms)
        return payload


def open_host_client(settings: HostSettings, *, terminal_id: str, data_dir: Path,
                     **kwargs) -> HostClient:
    """Build a client from settings, key paths relative to ``data_dir``. Raises
    ConfigError naming the key when a key file is missing or unusable."""
    def resolve(relative: str) -> Path:
        path = Path(relative).expanduser()
        return path if path.is_absolute() else Path(data_dir) / path

    private_key = load_private_key(resolve(settings.private_key_file),
                                   key_name="host.private_key_file")
    host_public_key = load_public_key(resolve(settings.host_public_key_file),
                                      key_name="host.host_public_key_file")
    return HostClient(settings, terminal_id=terminal_id, private_key=private_key,
                      host_public_key=host_public_key, **kwargs)
