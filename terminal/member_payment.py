"""The member (face-pay) tender: online through the host, offline through the outbox.

Online, the same discipline as wallet payments: the attempt is journaled before the
request, the answer is journaled, an unknown outcome is resolved by query/cancel with the
member timings (``resolver.member``). After an approval the member's balance is read for
the offline snapshot (best effort).

Offline (the monitor says so, or the pay request could not even connect: then nothing
reached the host and the attempt is closed as not sent), the payment goes through the
offline policy into the outbox under a new ``out_trade_no``.

Evidence (scores, liveness, template version) goes with the payment; images never do.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from terminal.attempt import Attempt, Tender
from terminal.connectivity import ConnectivityMonitor
from terminal.errors import AnswerInconsistent, HostError, HostRejected, HostUnreachable, \
    OutcomeUnknown, UserFacingError
from terminal.host_messages import MemberPayRequest
from terminal.money import validate_fen
from terminal.offline_taking import offline_message, take_offline
from terminal.ports.host import Clock, MemberAndPaymentHost
from terminal.ports.journal import Journal
from terminal.ports.outbox import OfflineStore
from terminal.resolution import Resolver, timings_for
from terminal.settings.model import Settings
from terminal.transaction import TxState
from terminal.wallet_payment import (DECLINES_NEEDING_ATTENTION, NOT_SENT, PaymentResult,
                                     describe, mark_inconsistent, record_pay_answer)

log = logging.getLogger(__name__)

MAX_EVIDENCE_BYTES = 4096
_SCALARS = (str, int, float, bool, type(None))


def mask_member(member_id: str) -> str:
    """A member reference safe for screens and logs: first and last two characters."""
    if len(member_id) <= 4:
        return member_id[:1] + "*" * max(0, len(member_id) - 1)
    return f"{member_id[:2]}{'*' * (len(member_id) - 4)}{member_id[-2:]}"


def validate_evidence(evidence: dict[str, Any] | None) -> dict[str, Any]:
    """Match evidence is a small flat object of numbers, strings and flags: never an
    image or a template. Raises UserFacingError otherwise."""
    if not evidence:
        return {}
    if not isinstance(evidence, dict):
        raise UserFacingError("evidence must be a JSON object")
    for key, value in evidence.items():
        if not isinstance(key, str) or not isinstance(value, _SCALARS):
            raise UserFacingError(f"evidence field {key!r} must be a number, text or flag",
                                  user_message="匹配证据格式错误 / Bad match evidence")
        if isinstance(value, str) and len(value) > 200:
            raise UserFacingError(f"evidence field {key!r} is too long (images are never "
                                  "sent)", user_message="匹配证据过大 / Match evidence too large")
    if len(json.dumps(evidence, ensure_ascii=False)) > MAX_EVIDENCE_BYTES:
        raise UserFacingError("evidence is larger than 4 KB",
                              user_message="匹配证据过大 / Match evidence too large")
    return dict(evidence)


class MemberPayment:
    """Blocking (network): run on a worker thread. ``host`` must offer both MemberHost
    (pay, balance) and PaymentHost (query, cancel for resolution)."""

    def __init__(self, host: MemberAndPaymentHost, journal: Journal, store: OfflineStore,
                 settings: Settings, clock: Clock, monitor: ConnectivityMonitor) -> None:
        self._host = host
        self._journal = journal
        self._store = store
        self._settings = settings
        self._clock = clock
        self._monitor = monitor
        self._resolver = Resolver(host, journal, settings.resolver, clock)

    def pay(self, member_id: str, amount_fen: int, *, evidence: dict[str, Any] | None = None,
            subject: str | None = None, wait_s: float | None = None,
            on_update: Callable[[Attempt], None] | None = None) -> PaymentResult:
        """Charge a member account. Raises UserFacingError (bad amount/evidence),
        OfflineRefused (offline and a limit refused: nothing taken), QueueError."""
        validate_fen(amount_fen, max_fen=self._settings.terminal.max_amount_fen)
        if not member_id or len(member_id) > 64:
            raise UserFacingError("member id must be 1-64 characters",
                                  user_message="会员号无效 / Invalid member id")
        evidence = validate_evidence(evidence)
        subject = subject or self._settings.terminal.subject
        if not self._monitor.online:
            return self._offline(member_id, amount_fen, evidence, subject)
        terminal = self._settings.terminal
        attempt = self._journal.open_attempt(
            terminal_id=terminal.terminal_id, tender=Tender.MEMBER, wallet="", code_masked="",
            amount_fen=amount_fen, subject=subject, now=self._clock.now(),
            member_ref=mask_member(member_id))
        attempt = self._journal.mark(attempt.out_trade_no, TxState.PENDING,
                                     now=self._clock.now(), event="member_pay_sent",
                                     first_request_at=self._clock.now())
        if on_update:
            on_update(attempt)
        request = MemberPayRequest(out_trade_no=attempt.out_trade_no, member_id=member_id,
                                   total_fen=amount_fen, subject=subject,
                                   terminal_id=terminal.terminal_id, evidence=evidence)
        attempt, unreachable = self._send(attempt, request)
        if unreachable:
            # Certainly not booked: take it offline instead (a new out_trade_no).
            return self._offline(member_id, amount_fen, evidence, subject)
        if on_update:
            on_update(attempt)
        if attempt.state.needs_resolution:
            attempt = self._resolve_inline(attempt, wait_s, on_update)
        if attempt.state is TxState.APPROVED:
            self._refresh_balance(member_id)
        return PaymentResult(attempt, describe(attempt))

    def _send(self, attempt: Attempt, request: MemberPayRequest) -> tuple[Attempt, bool]:
        no = attempt.out_trade_no
        try:
            answer = self._host.member_pay(request)
        except HostUnreachable as exc:
            self._monitor.record_failure(exc)
            return self._journal.mark(no, TxState.DECLINED, now=self._clock.now(),
                                      event="pay_not_sent", detail={"error": str(exc)[:200]},
                                      sub_code=NOT_SENT, sub_msg="host unreachable"), True
        except HostRejected as exc:
            self._monitor.record_success()
            return self._journal.mark(no, TxState.DECLINED, now=self._clock.now(),
                                      event="pay_rejected",
                                      detail={"code": exc.code, "sub_code": exc.sub_code},
                                      result_code=exc.code, sub_code=exc.sub_code or exc.code,
                                      sub_msg=exc.sub_msg,
                                      needs_attention=exc.sub_code in DECLINES_NEEDING_ATTENTION
                                      ), False
        except AnswerInconsistent as exc:
            self._monitor.record_success()
            return mark_inconsistent(self._journal, no, self._clock.now(), "member pay",
                                     exc.problems), False
        except OutcomeUnknown as exc:
            self._monitor.record_failure(exc)
            return self._journal.mark(no, TxState.UNKNOWN, now=self._clock.now(),
                                      event="pay_outcome_unknown",
                                      detail={"error": str(exc)[:200]}), False
        self._monitor.record_success()
        return record_pay_answer(self._journal, no, request.total_fen, answer,
                                 self._clock.now()), False

    def _offline(self, member_id: str, amount_fen: int, evidence: dict[str, Any],
                 subject: str) -> PaymentResult:
        attempt = take_offline(self._store, self._settings, self._clock, tender=Tender.MEMBER,
                               amount_fen=amount_fen, subject=subject, member_id=member_id,
                               member_ref=mask_member(member_id), evidence=evidence)
        return PaymentResult(attempt, offline_message(attempt))

    def _resolve_inline(self, attempt: Attempt, wait_s: float | None,
                        on_update: Callable[[Attempt], None] | None) -> Attempt:
        if wait_s is None:
            timings = timings_for(self._settings.resolver, attempt)
            wait_s = (max(timings.poll_budget_s, timings.cancel_not_before_s)
                      + timings.cancel_retry_interval_s + 1.0)
        return self._resolver.resolve_until(attempt.out_trade_no, self._clock.now() + wait_s,
                                            on_update)

    def _refresh_balance(self, member_id: str) -> None:
        try:
            balance = self._host.member_balance(member_id)
        except HostError as exc:   # the snapshot is an aid, never a reason to fail a sale
            log.info("balance snapshot not refreshed: %s", type(exc).__name__)
            return
        self._store.save_balance(member_id, balance, self._clock.now())
