"""Resolving a payment whose outcome is unknown: query, poll, then cancel.

The rules (docs/host.md, "Unknown outcomes"; per wallet in ``ResolverSettings``):

* query ``first_query_delay_s`` after the charge, then every ``poll_interval_s``;
* TRADE_SUCCESS → approved, TRADE_CLOSED → closed, WAIT_BUYER_PAY → keep polling;
* when ``poll_budget_s`` has passed since the charge, or the host says the trade does
  not exist, cancel — never earlier than ``cancel_not_before_s`` after the charge;
* a cancel that says "retry" is retried every ``cancel_retry_interval_s``; after
  ``cancel_max_attempts`` the attempt is flagged for attention but still retried;
* a host that cannot be reached changes nothing: the same step is tried again later.

A final state comes only from a host answer that is about this payment (the client's
echo checks and ``terminal.answer_consistency``). An answer that is not moves the
attempt to ``answer_inconsistent`` and resolution goes on (query, then cancel as above);
a second such answer holds the attempt for a person (``held``: alarm, end of day
refuses), and only a person's ``recheck`` sends it back to resolution.

``Resolver.step`` makes at most one host call, so a crash between any two lines leaves a
journal the next run can continue from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Unpack

from terminal.answer_consistency import SUB_ANSWER_INCONSISTENT, query_problems
from terminal.attempt import Attempt, Tender
from terminal.errors import AnswerInconsistent, HostError, HostRejected, IllegalTransition
from terminal.host_messages import TradeStatus
from terminal.ports.host import Clock, PaymentHost
from terminal.ports.journal import AttemptChanges, Journal
from terminal.settings.resolver_section import ResolverSettings, WalletTimings
from terminal.transaction import TxState

log = logging.getLogger(__name__)

# When the host cannot be reached, do not hammer it: back off up to this.
MAX_NETWORK_BACKOFF_S = 60.0


class StepAction(str, Enum):
    """What the resolver does next for an unknown attempt (values as logged before)."""
    QUERY = "query"
    CANCEL = "cancel"
    DONE = "done"


@dataclass(frozen=True)
class PlannedStep:
    action: StepAction
    due_at: float


def timings_for(settings: ResolverSettings, attempt: Attempt) -> WalletTimings:
    if attempt.tender is Tender.MEMBER:
        return settings.member
    if attempt.wallet is None:
        return settings.alipay
    return getattr(settings, attempt.wallet.value, settings.alipay)


def plan_next_step(attempt: Attempt, timings: WalletTimings) -> PlannedStep:
    """What to do next for ``attempt`` and from when (pure)."""
    if not attempt.state.needs_resolution:
        return PlannedStep(StepAction.DONE, attempt.updated_at)
    t0 = attempt.started_at
    if attempt.cancelling:
        earliest = t0 + timings.cancel_not_before_s
        if attempt.last_cancel_at is not None:
            earliest = max(earliest, attempt.last_cancel_at + timings.cancel_retry_interval_s)
        return PlannedStep(StepAction.CANCEL, earliest)
    if attempt.query_count == 0:
        due = t0 + timings.first_query_delay_s
    else:
        due = (attempt.last_query_at or t0) + timings.poll_interval_s
    if due >= t0 + timings.poll_budget_s and attempt.query_count > 0:
        # The budget ends before the next poll: move to cancelling (respecting its floor).
        return PlannedStep(StepAction.CANCEL, max(t0 + timings.poll_budget_s,
                                                  t0 + timings.cancel_not_before_s))
    return PlannedStep(StepAction.QUERY, due)


class Resolver:
    """Drives unknown attempts to a final state through the PaymentHost port.

    Thread: the caller's (a worker thread; never the GUI thread). Each instance must be
    used by one thread, because its Journal is.
    """

    def __init__(self, host: PaymentHost, journal: Journal, settings: ResolverSettings,
                 clock: Clock) -> None:
        self._host = host
        self._journal = journal
        self._settings = settings
        self._clock = clock
        self._network_failures: dict[str, int] = {}

    def step(self, attempt: Attempt) -> Attempt:
        """Do the next due action for ``attempt`` (at most one host call)."""
        now = self._clock.now()
        if attempt.state in (TxState.CREATED, TxState.PENDING, TxState.UNKNOWN):
            attempt = self._journal.mark(attempt.out_trade_no, TxState.RESOLVING, now=now,
                                         event="resolution_started",
                                         detail={"from": attempt.state.value})
        planned = self.plan(attempt)
        if planned.action is StepAction.DONE or planned.due_at > now:
            return attempt
        try:
            if planned.action is StepAction.QUERY:
                return self._query(attempt)
            return self._cancel(attempt)
        except IllegalTransition:
            # Another resolver (a second process after a crash) got there first.
            current = self._journal.get(attempt.out_trade_no)
            return current if current is not None else attempt

    def plan(self, attempt: Attempt) -> PlannedStep:
        planned = plan_next_step(attempt, timings_for(self._settings, attempt))
        failures = self._network_failures.get(attempt.out_trade_no, 0)
        if failures and planned.action is not StepAction.DONE:
            backoff = min(MAX_NETWORK_BACKOFF_S, 0.5 * 2 ** min(failures, 10))
            planned = PlannedStep(planned.action, max(planned.due_at,
                                                      attempt.updated_at + backoff))
        return planned

    def resolve_until(self, out_trade_no: str, deadline: float,
                      on_update: Callable[[Attempt], None] | None = None,
                      should_stop: Callable[[], bool] = lambda: False) -> Attempt:
        """Keep stepping one attempt until it is final, ``deadline`` (clock.now seconds)
        passes, or ``should_stop`` says so. Returns the latest journal state."""
        attempt = self._journal.get(out_trade_no)
        assert attempt is not None, out_trade_no
        while attempt.state.needs_resolution and not should_stop():
            attempt = self.step(attempt)
            if on_update:
                on_update(attempt)
            if not attempt.state.needs_resolution:
                break
            now = self._clock.now()
            wait = self.plan(attempt).due_at - now
            if now + max(wait, 0) > deadline:
                break
            if wait > 0:
                self._clock.sleep(min(wait, 0.5))
        return attempt

    def recheck(self, attempt: Attempt) -> Attempt:
        """A person asks the host again about a held attempt: back to
        ``answer_inconsistent`` and one query now (checked like every other)."""
        if attempt.state is TxState.HELD:
            attempt = self._journal.mark(attempt.out_trade_no, TxState.INCONSISTENT,
                                         now=self._clock.now(), event="recheck_requested",
                                         detail={})
        if not attempt.state.needs_resolution:
            return attempt
        try:
            return self._query(attempt)
        except IllegalTransition:
            current = self._journal.get(attempt.out_trade_no)
            return current if current is not None else attempt

    def _query(self, attempt: Attempt) -> Attempt:
        now = self._clock.now()
        common: AttemptChanges = {"query_count": attempt.query_count + 1, "last_query_at": now}
        try:
            answer = self._host.query(attempt.out_trade_no)
        except AnswerInconsistent as exc:
            self._network_failures.pop(attempt.out_trade_no, None)
            return self._inconsistent(attempt, "query", exc.problems, **common)
        except HostError as exc:
            return self._network_failed(attempt, "query_failed", exc, **common)
        self._network_failures.pop(attempt.out_trade_no, None)
        problems = query_problems(attempt, answer)
        if problems:
            return self._inconsistent(attempt, "query", problems, **common)
        detail = {"status": answer.status.value, "code": answer.code,
                  "sub_code": answer.sub_code}
        if answer.status in (TradeStatus.TRADE_SUCCESS, TradeStatus.TRADE_FINISHED):
            common.update({"host_trade_no": answer.host_trade_no,
                           "waiting_for_password": False, "result_code": answer.code})
            return self._journal.mark(attempt.out_trade_no, TxState.APPROVED, now=now,
                                      event="query_answered", detail=detail, **common)
        if answer.status is TradeStatus.TRADE_CLOSED:
            common.update({"waiting_for_password": False, "result_code": answer.code,
                           "sub_code": answer.sub_code or "TRADE_CLOSED",
                           "sub_msg": answer.sub_msg})
            return self._journal.mark(attempt.out_trade_no, TxState.CLOSED, now=now,
                                      event="query_answered", detail=detail, **common)
        if answer.status is TradeStatus.NOT_EXIST:
            # The pay request never arrived (or has not yet): cancel so that a late
            # arrival cannot charge the customer after we gave up.
            common["cancelling"] = True
            return self._journal.note(attempt.out_trade_no, now=now, event="query_answered",
                                      detail=detail, **common)
        common["waiting_for_password"] = True
        return self._journal.note(attempt.out_trade_no, now=now, event="query_answered",
                                  detail=detail, **common)

    def _cancel(self, attempt: Attempt) -> Attempt:
        now = self._clock.now()
        if not attempt.cancelling:
            attempt = self._journal.note(attempt.out_trade_no, now=now, event="cancel_started",
                                         detail={"reason": "poll budget used up"},
                                         cancelling=True)
        try:
            answer = self._host.cancel(attempt.out_trade_no)
        except AnswerInconsistent as exc:
            self._network_failures.pop(attempt.out_trade_no, None)
            return self._inconsistent(attempt, "cancel", exc.problems,
                                      cancel_count=attempt.cancel_count + 1,
                                      last_cancel_at=now)
        except HostRejected as exc:
            return self._network_failed(attempt, "cancel_rejected", exc,
                                        cancel_count=attempt.cancel_count + 1,
                                        last_cancel_at=now)
        except HostError as exc:
            return self._network_failed(attempt, "cancel_failed", exc, last_cancel_at=now)
        self._network_failures.pop(attempt.out_trade_no, None)
        detail = {"done": answer.done, "retry": answer.retry, "action": answer.action,
                  "code": answer.code, "sub_code": answer.sub_code}
        count = attempt.cancel_count + 1
        if answer.done and not answer.retry:
            return self._journal.mark(attempt.out_trade_no, TxState.CANCELLED, now=now,
                                      event="cancel_answered", detail=detail,
                                      cancel_count=count, last_cancel_at=now,
                                      waiting_for_password=False,
                                      result_code=answer.code,
                                      sub_code=f"CANCELLED_{answer.action.upper() or 'CLOSE'}")
        timings = timings_for(self._settings, attempt)
        return self._journal.note(attempt.out_trade_no, now=now, event="cancel_answered",
                                  detail=detail, cancel_count=count, last_cancel_at=now,
                                  needs_attention=count >= timings.cancel_max_attempts)

    def _inconsistent(self, attempt: Attempt, method: str, problems: tuple[str, ...],
                      **fields: Unpack[AttemptChanges]) -> Attempt:
        """A signed answer that is not about this attempt: first time, keep resolving
        (state answer_inconsistent); the host disagreeing again holds it for a person."""
        detail = {"method": method, "problems": list(problems)[:10]}
        text = "; ".join(problems)[:200]
        log.warning("resolver: %s answer for %s not about it: %s", method,
                    attempt.out_trade_no, text, extra={"out_trade_no": attempt.out_trade_no})
        fields.update({"sub_code": SUB_ANSWER_INCONSISTENT, "sub_msg": text})
        if attempt.state is TxState.INCONSISTENT:
            fields["needs_attention"] = True
            return self._journal.mark(attempt.out_trade_no, TxState.HELD,
                                      now=self._clock.now(), event="held_for_person",
                                      detail=detail, **fields)
        return self._journal.mark(attempt.out_trade_no, TxState.INCONSISTENT,
                                  now=self._clock.now(), event="answer_inconsistent",
                                  detail=detail, **fields)

    def _network_failed(self, attempt: Attempt, event: str, exc: Exception,
                        **fields: Unpack[AttemptChanges]) -> Attempt:
        failures = self._network_failures.get(attempt.out_trade_no, 0) + 1
        self._network_failures[attempt.out_trade_no] = failures
        log.info("resolver %s for %s: %s", event, attempt.out_trade_no, type(exc).__name__)
        return self._journal.note(attempt.out_trade_no, now=self._clock.now(), event=event,
                                  detail={"error": type(exc).__name__, "message": str(exc)[:200]},
                                  **fields)
