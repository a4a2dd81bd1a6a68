"""The terminal's HTTP client for the payment host (httpx, one pooled connection).

Implements the PaymentHost, MemberHost, HostHealth and BatchHost ports. Every call is one
signed form POST; the answer's signature is checked before anything in it is believed.

Every answer must also be about its request (``answer_checks``): the same trade number,
amount, member, terminal and method; otherwise AnswerInconsistent, and nothing in it is
used. Every call ends by ``host.call_deadline_s`` whatever the host does, and no answer
larger than ``host.max_answer_bytes`` is read.

Errors (see terminal/errors.py): HostUnreachable when nothing was sent (connect refused,
DNS, connect or pool timeout); OutcomeUnknown when the request may have taken effect
(read/write timeout, deadline passed, dropped connection, HTTP error status, HTML or
garbage, oversized answer, missing or bad signature) and its subclass AnswerInconsistent
for a signed answer about something else; HostRejected when the host refused the
request. Only query, ping, balance and the daily statement are retried, and only on
connect errors; a pay is never re-sent here.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from drivers.host import answers
from drivers.host.answer_checks import Asked, check_answer
from drivers.host.face_calls import FaceHostCalls
from drivers.host.call_deadline import DeadlineBackend, deadline_transport
from drivers.host.keys import load_private_key, load_public_key
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_MEMBER_BALANCE, METHOD_MEMBER_PAY, METHOD_PAY,
                               METHOD_PING, METHOD_QUERY, METHOD_REFUND, ResponseInvalid,
                               parse_signed_answer, signed_request)
from terminal.errors import AnswerInconsistent, ConfigError, HostUnreachable, OutcomeUnknown
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


class DeadlinePassed(OutcomeUnknown):
    """The call's overall deadline (``host.call_deadline_s``) passed before a whole
    answer came back (e.g. a host trickling its answer). Never retried inside the call."""


class AnswerTooLarge(OutcomeUnknown):
    """The answer is over ``host.max_answer_bytes``; it was not read to the end."""


class HostClient(FaceHostCalls):
    """One host connection pool. Thread-safe; close() when done (or use ``with``)."""

    def __init__(self, settings: HostSettings, *, terminal_id: str,
                 private_key: RSAPrivateKey, host_public_key: RSAPublicKey,
                 wall_clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None,
                 journal_epoch: str = "") -> None:
        self._settings = settings
        self._terminal_id = terminal_id
        self._journal_epoch = journal_epoch
        self._private_key = private_key
        self._host_public_key = host_public_key
        self._wall_clock = wall_clock
        self._sleep = sleep
        timeout = httpx.Timeout(connect=settings.connect_timeout_s,
                                read=settings.read_timeout_s,
                                write=settings.write_timeout_s,
                                pool=settings.pool_timeout_s)
        # One client serves every worker of the process (payments, refunds, end of day,
        # status, resolver, sync): enough connections that a pay never waits for a slot.
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=2,
                              keepalive_expiry=30.0)
        self._deadlines: DeadlineBackend | None = None
        if transport is None:
            # Every socket operation is cut to the call's overall deadline.
            transport, self._deadlines = deadline_transport(limits)
        # Keep-alive: a pay is one round trip on an open connection. trust_env=False so a
        # proxy variable on the kiosk cannot silently reroute signed payment requests.
        self._http = httpx.Client(timeout=timeout, transport=transport, trust_env=False,
                                  limits=limits)

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "HostClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- PaymentHost -------------------------------------------------------------------
    def pay(self, request: PayRequest) -> PayAnswer:
        """Trade pay (bar code). Never retried here: the resolver decides, by query."""
        biz = {"out_trade_no": request.out_trade_no, "scene": request.scene,
               "auth_code": request.auth_code, "subject": request.subject,
               "total_amount": to_yuan_string(request.total_fen),
               "terminal_id": request.terminal_id}
        payload = self._call(METHOD_PAY, biz, Asked(
            METHOD_PAY, request.terminal_id, out_trade_no=request.out_trade_no,
            total_fen=request.total_fen, terminal_echo=not self._settings.alipay_direct))
        return answers.pay_answer(payload)

    def query(self, out_trade_no: str) -> QueryAnswer:
        payload = self._call(METHOD_QUERY, {"out_trade_no": out_trade_no},
                             self._asked(METHOD_QUERY, out_trade_no=out_trade_no),
                             connect_retries=self._settings.connect_retries)
        return answers.query_answer(payload)

    def cancel(self, out_trade_no: str) -> CancelAnswer:
        payload = self._call(METHOD_CANCEL, {"out_trade_no": out_trade_no},
                             self._asked(METHOD_CANCEL, out_trade_no=out_trade_no))
        return answers.cancel_answer(payload)

    def refund(self, out_trade_no: str, refund_fen: int, out_request_no: str,
               reason: str = "") -> RefundAnswer:
        biz = {"out_trade_no": out_trade_no, "out_request_no": out_request_no,
               "refund_amount": to_yuan_string(refund_fen)}
        if reason:
            biz["refund_reason"] = reason
        payload = self._call(METHOD_REFUND, biz, self._asked(
            METHOD_REFUND, out_trade_no=out_trade_no, out_request_no=out_request_no,
            refund_fen=refund_fen))
        return answers.refund_answer(payload, refund_fen)

    # -- MemberHost --------------------------------------------------------------------
    def member_pay(self, request: MemberPayRequest) -> PayAnswer:
        biz = {"out_trade_no": request.out_trade_no, "member_id": request.member_id,
               "total_amount": to_yuan_string(request.total_fen),
               "subject": request.subject, "terminal_id": request.terminal_id,
               "evidence": dict(request.evidence)}
        payload = self._call(METHOD_MEMBER_PAY, biz, Asked(
            METHOD_MEMBER_PAY, request.terminal_id, out_trade_no=request.out_trade_no,
            total_fen=request.total_fen, member_id=request.member_id))
        return answers.pay_answer(payload, METHOD_MEMBER_PAY)

    def member_balance(self, member_id: str) -> int:
        payload = self._call(METHOD_MEMBER_BALANCE, {"member_id": member_id},
                             self._asked(METHOD_MEMBER_BALANCE, member_id=member_id),
                             connect_retries=self._settings.connect_retries)
        return answers.balance_fen(payload)

    # -- HostHealth --------------------------------------------------------------------
    def ping(self, report: dict[str, Any] | None = None) -> PingAnswer:
        """``report``: optional ``version``, ``offline_backlog``, ``diag`` for the back
        office (docs/backoffice.md, "Ping")."""
        started = time.monotonic()
        payload = self._call(METHOD_PING, dict(report or {}), self._asked(METHOD_PING),
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
        payload = self._call(METHOD_BATCH_UPLOAD, {"records": wire_records}, self._asked(
            METHOD_BATCH_UPLOAD,
            records=tuple((r.out_trade_no, r.amount_fen) for r in records)))
        return answers.batch_results(payload, [r.out_trade_no for r in records])

    def daily_statement(self, day: date) -> DailyStatement:
        payload = self._call(METHOD_BILL_DAILY, {"bill_date": day.isoformat()},
                             self._asked(METHOD_BILL_DAILY, bill_date=day.isoformat()),
                             connect_retries=self._settings.connect_retries)
        return answers.daily_statement(payload, self._terminal_id, day)

    # -- transport -----------------------------------------------------------------------
    def _asked(self, method: str, **echo: Any) -> Asked:
        return Asked(method, self._terminal_id, terminal_echo=not self._settings.alipay_direct,
                     **echo)

    def _call(self, method: str, biz: dict[str, Any], asked: Asked, *,
              connect_retries: int = 0) -> dict[str, Any]:
        """One signed POST whose answer is checked against ``asked`` (raises
        AnswerInconsistent when it is not about the request), with up to
        ``connect_retries`` more tries when it could not connect (only then is a resend
        certainly harmless). The whole call, retries included, ends by
        ``host.call_deadline_s``.

        Methods that change nothing (those given ``connect_retries``: query, ping,
        balance, statement) also get one more try when the answer is lost: a pooled
        keep-alive connection that the host closed while idle fails that way, and asking
        again cannot change any money."""
        # Every request names the terminal (and its journal, so a host can tell two
        # journals of one terminal id apart).
        biz = {**biz, "terminal_id": asked.terminal_id}
        if self._journal_epoch:
            biz["journal_epoch"] = self._journal_epoch
        subject_ref = asked.out_trade_no or asked.member_id or asked.bill_date
        deadline = time.monotonic() + self._settings.call_deadline_s
        attempt = 0
        answer_lost_retried = False
        while True:
            try:
                return self._post_once(method, biz, asked, subject_ref, deadline)
            except HostUnreachable:
                if attempt >= connect_retries or \
                        time.monotonic() + self._settings.connect_retry_delay_s >= deadline:
                    raise
                attempt += 1
                self._sleep(self._settings.connect_retry_delay_s)
            except AnswerLost:
                if connect_retries == 0 or answer_lost_retried or time.monotonic() >= deadline:
                    raise
                answer_lost_retried = True

    def _post_once(self, method: str, biz: dict[str, Any], asked: Asked, subject_ref: str,
                   deadline: float) -> dict[str, Any]:
        params = signed_request(method, biz, app_id=self._settings.app_id,
                                private_key=self._private_key,
                                now_epoch_s=self._wall_clock())
        started = time.monotonic()
        try:
            if self._deadlines is not None:
                with self._deadlines.deadline(deadline):
                    status, body = self._exchange(params, deadline)
            else:
                status, body = self._exchange(params, deadline)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            log.warning("host %s %s: not reached (%s)", method, subject_ref,
                        type(exc).__name__)
            raise HostUnreachable(f"{method}: host not reached: {exc}") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise ConfigError("host.base_url", f"cannot be used: {exc}") from exc
        except AnswerTooLarge as exc:
            log.warning("host %s %s: %s", method, subject_ref, exc)
            raise
        except httpx.TransportError as exc:
            # Sent (at least partly) and no complete answer: it may have been booked.
            if time.monotonic() >= deadline:
                log.warning("host %s %s: no whole answer within %.1f s (deadline)", method,
                            subject_ref, self._settings.call_deadline_s)
                raise DeadlinePassed(f"{method}: no whole answer within host.call_deadline_s "
                                     f"= {self._settings.call_deadline_s} s") from exc
            log.warning("host %s %s: outcome unknown (%s)", method, subject_ref,
                        type(exc).__name__)
            raise AnswerLost(f"{method}: no answer ({type(exc).__name__}: {exc})") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        if status != 200:
            log.warning("host %s %s: HTTP %s in %.0f ms", method, subject_ref, status,
                        elapsed_ms)
            raise OutcomeUnknown(f"{method}: host answered HTTP {status}")
        try:
            signed = parse_signed_answer(body.decode("utf-8"), method, self._host_public_key)
        except (UnicodeDecodeError, ResponseInvalid) as exc:
            log.warning("host %s %s: unusable answer (%s)", method, subject_ref, exc)
            raise OutcomeUnknown(f"{method}: unusable answer from the host: {exc}") from exc
        payload = signed.payload
        log.info("host %s %s -> %s %s in %.0f ms", method, subject_ref, payload.get("code"),
                 payload.get("sub_code", ""), elapsed_ms)
        try:
            check_answer(asked, payload, under_error_key=signed.under_error_key)
        except AnswerInconsistent as exc:
            log.warning("host %s %s: answer inconsistent with the request: %s", method,
                        subject_ref, "; ".join(exc.problems))
            raise
        return payload

    def _exchange(self, params: dict[str, str], deadline: float) -> tuple[int, bytes]:
        """POST and read the answer, refusing it past ``host.max_answer_bytes`` without
        reading the rest (a host cannot make the terminal hold a huge answer)."""
        limit = self._settings.max_answer_bytes
        with self._http.stream("POST", self._settings.base_url, data=params,
                               headers={"Content-Type": _FORM_TYPE,
                                        "Accept-Encoding": "identity"}) as response:
            if response.status_code != 200:
                return response.status_code, b""
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise OutcomeUnknown(f"host answered with content-encoding {encoding!r}, "
                                     "which was not asked for")
            declared = response.headers.get("content-length")
            if declared is not None and declared.strip().isdigit() and int(declared) > limit:
                raise AnswerTooLarge(f"host answer of {declared} bytes is over "
                                     f"host.max_answer_bytes = {limit}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > limit:
                    raise AnswerTooLarge(f"host answer is over host.max_answer_bytes = "
                                         f"{limit}; not read further")
                if time.monotonic() >= deadline:
                    raise httpx.ReadTimeout("the host call's overall deadline has passed")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks)


def open_host_client(settings: HostSettings, *, terminal_id: str, data_dir: Path,
                     **kwargs: Any) -> HostClient:
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
