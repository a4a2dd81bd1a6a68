"""One request from bytes to signed answer: envelope, identity, clock skew, rate,
``biz_content``, the method in one database transaction, echo fields, signature.

Order of refusals (each a signed answer, nothing booked):
  40002 envelope (content type, method, sign, sign_type, charset, app_id, biz_content,
        terminal_id, timestamp format) -> 40006 identity (unknown, disabled, id
        conflict) / 40002 bad signature -> 40002 clock skew -> 40002 rate limit ->
  40002 a bad field -> the method's own answer. A database that cannot be reached or
  is full gives 20000 (the outcome is unknown to the terminal: it asks again by query
  or resends the batch; every method is idempotent).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from sqlalchemy.engine import Connection, Engine

from backoffice.errors import StorageFull, StorageUnavailable
from backoffice.gateway import fields
from backoffice.gateway.envelope import Envelope, EnvelopeRefused, parse_envelope
from backoffice.faces.template_key import TemplateCipher
from backoffice.gateway.methods import MethodSpec, build_methods
from backoffice.gateway.rate_limit import RateLimiter
from backoffice.gateway.replies import Deferred, Reply, invalid, system_error
from backoffice.registry.identity import Caller, PublicKeyCache, authenticate
from backoffice.settings import BackofficeSettings
from backoffice.signing_keys import SigningKey
from backoffice.storage.transaction import run_transaction
from backoffice.wallets.service import WalletService
from drivers.host.signing import signed_response_body

log = logging.getLogger(__name__)

SUB_RATE_LIMITED = "PAYTERM.RATE_LIMITED"
SUB_CLOCK_SKEW = "isv.invalid-timestamp"
SUB_TOO_LARGE = "PAYTERM.REQUEST_TOO_LARGE"
#: Bad signatures per second (per process) for which other keys are searched.
_CONFLICT_SEARCH_RATE, _CONFLICT_SEARCH_BURST = 10.0, 20


class Gateway:
    """Serves protocol requests; thread-safe (one per server process)."""

    def __init__(self, engine: Engine, settings: BackofficeSettings, signing_key: SigningKey,
                 *, clock: Callable[[], float] = time.time,
                 face_cipher: TemplateCipher | None = None,
                 wallets: WalletService | None = None) -> None:
        self._engine = engine
        self._settings = settings
        self._signing_key = signing_key
        self._clock = clock
        self._methods = build_methods(settings, face_cipher, wallets)
        self._keys = PublicKeyCache()
        self._limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
        self._conflict_budget = RateLimiter(_CONFLICT_SEARCH_RATE, _CONFLICT_SEARCH_BURST)

    @property
    def methods(self) -> dict[str, MethodSpec]:
        return self._methods

    # -- entry points ----------------------------------------------------------------
    def handle(self, body: bytes, content_type: str) -> str:
        """The signed answer body for one request body. Never raises for bad input."""
        started = time.monotonic()
        envelope = parse_envelope(body, content_type, self._methods.keys(),
                                  app_id=self._settings.app_id)
        if isinstance(envelope, EnvelopeRefused):
            reply = envelope.reply
            if envelope.terminal_id:
                reply = reply.with_fields(terminal_id=envelope.terminal_id)
            self._log(envelope.method or "?", envelope.terminal_id, reply, started)
            return self._sign(envelope.method, reply)
        spec = self._methods[envelope.method]
        reply = self._serve(envelope, spec)
        reply = reply.with_fields(terminal_id=envelope.terminal_id,
                                  **_raw_echo(envelope.biz, spec.echo))
        self._log(envelope.method, envelope.terminal_id, reply, started,
                  ref=str(envelope.biz.get("out_trade_no", ""))[:64])
        return self._sign(envelope.method, reply)

    def refuse_too_large(self) -> str:
        """The signed answer to a body over ``max_request_bytes`` (not read further)."""
        reply = invalid(SUB_TOO_LARGE, f"请求过大 request larger than "
                                       f"{self._settings.max_request_bytes} bytes",
                        error_member=True)
        log.warning("refused a request over %d bytes", self._settings.max_request_bytes)
        return self._sign("", reply)

    # -- internals -------------------------------------------------------------------
    def _serve(self, envelope: Envelope, spec: MethodSpec) -> Reply:
        rate_checked: list[bool] = []

        def work(conn: Connection) -> Reply:
            now = self._clock()
            caller = authenticate(conn, envelope.terminal_id, envelope.params, self._keys,
                                  may_search_conflicts=lambda: self._conflict_budget.allow("*"))
            if isinstance(caller, Reply):
                return caller
            refusal = self._admission(envelope, caller, now, rate_checked)
            if refusal is not None:
                return refusal
            try:
                request = spec.parse(envelope.biz)
            except fields.BadField as exc:
                return invalid(exc.sub_code, str(exc))
            return spec.run(conn, caller, request, now)

        try:
            result = run_transaction(self._engine, work, write=spec.writes,
                                     deadline_s=self._settings.request_deadline_s)
            # A wallet call: the journal is committed; now the call, then the answer.
            return result.finish() if isinstance(result, Deferred) else result
        except StorageFull:
            return system_error("后台数据库已满，请稍后重试 the back office's database is full; "
                                "nothing was booked by this request if a query says so")
        except StorageUnavailable:
            return system_error("后台数据库暂不可用，请稍后查询 the back office's database is "
                                "unavailable; query or send again later")
        except Exception:
            # A bug or an unexpected database error: still a signed answer, and one that
            # tells the terminal the outcome is unknown (it asks again by query).
            log.exception("%s failed", spec.name)
            return system_error("后台内部错误，请稍后查询 internal error at the back office; "
                                "query or send again later")

    def _admission(self, envelope: Envelope, caller: Caller, now: float,
                   rate_checked: list[bool]) -> Reply | None:
        skew = envelope.timestamp_epoch_s - now
        if abs(skew) > self._settings.max_clock_skew_s:
            return invalid(SUB_CLOCK_SKEW,
                           f"终端时钟偏差 {skew:+.0f} 秒 the terminal's clock is {skew:+.0f} s off "
                           f"(at most {self._settings.max_clock_skew_s:.0f} s); set its time")
        if not rate_checked:            # once per request, not once per retry
            rate_checked.append(True)
            if not self._limiter.allow(caller.terminal_id):
                return invalid(SUB_RATE_LIMITED,
                               f"请求过于频繁 too many requests from {caller.terminal_id}; "
                               f"retry in {self._limiter.retry_after_s():.1f} s")
        return None

    def _sign(self, method: str, reply: Reply) -> str:
        key_method = "error" if (reply.error_member or not method) else method
        return signed_response_body(key_method, reply.payload, self._signing_key.private_key)

    @staticmethod
    def _log(method: str, terminal_id: str, reply: Reply, started: float, ref: str = "") -> None:
        log.info("%s %s %s -> %s %s in %.1f ms", method, terminal_id or "-", ref or "-",
                 reply.code, reply.payload.get("sub_code", ""),
                 (time.monotonic() - started) * 1000)


def _raw_echo(biz: dict[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    return {key: biz[key] for key in keys if isinstance(biz.get(key), str) and biz[key]}
