"""The simulated host's gateway: checks a request's envelope and signature, runs the
method, and signs the answer. No HTTP here (see http_server.py)."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from drivers.host import signing
from drivers.host.simulator import biz_fields
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.face_gallery import FaceGallery
from drivers.host.simulator.faults import FaultBoard
from drivers.host.simulator.ledger import Ledger
from drivers.host.simulator.member_accounts import MemberAccounts
from drivers.host.simulator.offline_batch import OfflineBatches
from drivers.host.simulator.reply import Reply, invalid, success
from drivers.host.simulator.terminal_identity import TerminalIdentity
from drivers.host.simulator.wallet_trades import WalletTrades
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_FACE_ENROL, METHOD_FACE_SYNC, METHOD_MEMBER_BALANCE,
                               METHOD_MEMBER_PAY, METHOD_PAY, METHOD_PING, METHOD_QUERY,
                               METHOD_REFUND)

log = logging.getLogger(__name__)


class SimulatorApp:
    """Everything the simulated host knows; shared by its HTTP handler threads."""

    def __init__(self, ledger: Ledger, config: SimulatorConfig, *,
                 host_private_key: RSAPrivateKey, terminal_public_key: RSAPublicKey,
                 clock: Callable[[], float] = time.time) -> None:
        self.ledger = ledger
        self.faults = FaultBoard()
        self.stopping = threading.Event()
        self._config = config
        self._config_lock = threading.Lock()
        self._host_key = host_private_key
        self._terminal_key = terminal_public_key
        self._clock = clock
        wallet = WalletTrades(ledger, lambda: self.config)
        members = MemberAccounts(ledger)
        batches = OfflineBatches(ledger, self.faults)
        self._identity = TerminalIdentity(ledger, lambda: self.config)
        self.faces = FaceGallery(ledger)
        self._methods: dict[str, Callable[[dict[str, Any], float], Reply]] = {
            METHOD_PAY: wallet.pay, METHOD_QUERY: wallet.query, METHOD_CANCEL: wallet.cancel,
            METHOD_REFUND: wallet.refund, METHOD_MEMBER_PAY: members.pay,
            METHOD_MEMBER_BALANCE: members.balance, METHOD_PING: self._ping,
            METHOD_BATCH_UPLOAD: batches.upload, METHOD_BILL_DAILY: batches.daily_bill,
            METHOD_FACE_ENROL: self.faces.enrol, METHOD_FACE_SYNC: self.faces.sync,
        }
        for seed in config.members:
            ledger.upsert_member(seed.member_id, seed.balance_fen, seed.phone_last4)

    @property
    def config(self) -> SimulatorConfig:
        with self._config_lock:
            return self._config

    def update_config(self, **changes: Any) -> SimulatorConfig:
        """Change timings or the default behaviour at run time (admin endpoint)."""
        with self._config_lock:
            self._config = replace(self._config, **changes)
            return self._config

    def now(self) -> float:
        return self._clock()

    def handle(self, params: dict[str, str]) -> tuple[str, Reply]:
        """Run one gateway request; returns the method (for the answer's key) and reply.

        Every reply echoes what the request was about (docs/host.md): the request's
        ``terminal_id``, ``out_trade_no``, ``out_request_no``, ``member_id`` and
        ``bill_date`` where the request had them, refusals included. Amounts in answers
        come from the books, never from the request."""
        method = params.get("method", "")
        biz = _biz_object(params.get("biz_content"))
        reply = self._run(method, params, biz)
        if method not in self._methods:
            return method, reply
        return method, replace(reply, payload=echoed(method, biz, reply.payload))

    def _run(self, method: str, params: dict[str, str], biz: dict[str, Any] | None) -> Reply:
        if method not in self._methods:
            return replace(invalid("isv.invalid-method", f"no such method {method!r}"),
                           error_member=True)
        if params.get("sign_type") != signing.SIGN_TYPE:
            return invalid("isv.invalid-signature-type", "sign_type must be RSA2")
        if not signing.verify_params(params, self._terminal_key):
            log.warning("refused %s: bad signature", method)
            return invalid("isv.invalid-signature", "验签出错 invalid signature")
        if params.get("charset", "utf-8").lower() != "utf-8":
            return invalid("isv.invalid-charset", "charset must be utf-8")
        if biz is None:
            return invalid("isv.invalid-parameter", "biz_content must be a JSON object")
        now = self.now()
        try:
            terminal_id = biz_fields.text(biz, "terminal_id", max_len=32)
            epoch = biz_fields.text(biz, "journal_epoch", max_len=64, required=False)
            refused = self._identity.check(terminal_id, epoch, now)
            if refused is not None:
                return refused
            return self._methods[method](biz, now)
        except biz_fields.BadField as exc:
            return invalid(exc.sub_code, str(exc))

    def answer_body(self, method: str, reply: Reply) -> str:
        """The signed JSON body for a reply."""
        key_method = "error" if reply.error_member else method
        return signing.signed_response_body(key_method, reply.payload, self._host_key)

    def tampered_body(self, method: str, reply: Reply) -> str:
        """A body whose signature does not match its content (the bad_sign fault)."""
        genuine = signing.signed_response_body(method, reply.payload, self._host_key)
        members = signing.top_level_members(genuine)
        altered = dict(reply.payload, msg=str(reply.payload.get("msg", "")) + " (altered)")
        return '{"%s":%s,"sign":%s}' % (signing.response_key(method),
                                        json.dumps(altered, ensure_ascii=False,
                                                   separators=(",", ":")),
                                        members["sign"])

    def _ping(self, biz: dict[str, Any], now: float) -> Reply:
        return success(server_time=f"{now:.3f}")


#: What each method's answers echo from the request, whatever the outcome.
ECHOED_FIELDS: dict[str, tuple[str, ...]] = {
    METHOD_PAY: ("terminal_id", "out_trade_no"),
    METHOD_MEMBER_PAY: ("terminal_id", "out_trade_no", "member_id"),
    METHOD_QUERY: ("terminal_id", "out_trade_no"),
    METHOD_CANCEL: ("terminal_id", "out_trade_no"),
    METHOD_REFUND: ("terminal_id", "out_trade_no", "out_request_no"),
    METHOD_MEMBER_BALANCE: ("terminal_id", "member_id"),
    METHOD_PING: ("terminal_id",),
    METHOD_BATCH_UPLOAD: ("terminal_id",),
    METHOD_BILL_DAILY: ("terminal_id", "bill_date"),
    METHOD_FACE_ENROL: ("terminal_id", "member_id"),
    METHOD_FACE_SYNC: ("terminal_id",),
}


def echoed(method: str, biz: dict[str, Any] | None, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` plus the request's identifying fields (the handler's own values, taken
    from the books, win where both exist)."""
    if not biz:
        return payload
    echo = {key: biz[key] for key in ECHOED_FIELDS.get(method, ())
            if isinstance(biz.get(key), str) and biz[key]}
    return {**payload, **{k: v for k, v in echo.items() if k not in payload}}


def _biz_object(text: str | None) -> dict[str, Any] | None:
    try:
        biz = json.loads(text or "{}")
    except ValueError:
        return None
    return biz if isinstance(biz, dict) else None
