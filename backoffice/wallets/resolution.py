"""Finishing wallet payments by the wallets' rules (terminal/wallet_rules.py): one
process at a time per payment (the journal's lease), every call logged, every outcome
applied to the trade in the same transaction as the journal.

``Resolver.advance`` is used three ways: right after a pay whose answer was not final,
when the terminal asks about (queries, cancels) a payment, and by the background loop
that finishes whatever a killed process left behind.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import Connection, Engine

from backoffice.settings import BackofficeSettings
from backoffice.storage.transaction import run_transaction
from backoffice.trades.records import (CANCEL_REQUEST_NO, add_refund, find_refund,
                                       find_trade_by_id, update_trade)
from backoffice.wallets import journal
from backoffice.wallets.accounts import load_account
from backoffice.wallets.connectors import Connector, ConnectorCache
from backoffice.wallets.journal import Journaled
from backoffice.wallets.outcome import Outcome, WalletAnswer
from backoffice.wallets.sealing import Sealer
from backoffice.wallets.transport import Deadlines
from terminal.host_messages import TradeStatus
from terminal.wallet_rules import TIMINGS, WalletTiming, next_poll_at, next_step, retry_at

log = logging.getLogger(__name__)


def scaled(scale: float) -> dict[str, WalletTiming]:
    return {name: WalletTiming(*(value * scale for value in (
        t.poll_interval_s, t.poll_budget_s, t.reverse_not_before_s, t.retry_interval_s)))
        for name, t in TIMINGS.items()}


class Resolver:
    def __init__(self, engine: Engine, settings: BackofficeSettings, sealer: Sealer, *,
                 runtime_dir: Path | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.settings = settings
        self.sealer = sealer
        self.clock = clock
        self.timings = scaled(settings.wallet_timing_scale)
        self.deadlines = Deadlines(connect_s=settings.wallet_connect_timeout_s,
                                   total_s=settings.wallet_call_deadline_s)
        self.connectors = ConnectorCache(self.deadlines, runtime_dir, clock=clock)
        self.lease_s = settings.wallet_call_deadline_s * 2 + 2
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- transactions -------------------------------------------------------------------
    def tx(self, work: Callable[[Connection], object], write: bool = True):
        return run_transaction(self.engine, work, write=write,
                               deadline_s=self.settings.request_deadline_s)

    def connector(self, store_id: str, wallet: str) -> Connector | None:
        account = self.tx(lambda conn: load_account(conn, self.sealer, store_id, wallet),
                          write=False)
        return None if account is None else self.connectors.get(account)

    # -- one payment --------------------------------------------------------------------
    def advance(self, trade_id: int, *, ask_now: bool = False, wait_s: float = 0.0) -> bool:
        """Do the due steps of one payment (``ask_now``: query at once even if the next
        poll is not due). False when another process holds it or it is final."""
        if not self.tx(lambda conn: journal.claim(conn, trade_id, self.clock(), self.lease_s)):
            return False
        try:
            deadline = time.monotonic() + wait_s
            first = True
            while True:
                entry = self.tx(lambda conn: journal.find_journal(conn, trade_id), write=False)
                if entry is None or entry.phase == "final":
                    return True
                now = self.clock()
                step = next_step(entry.wallet, entry.phase, entry.pay_sent_at, now,
                                 queried=entry.queries > 0,
                                 timing=self.timings[entry.wallet])
                due = step.due_at
                if not (ask_now and first and step.action == "query"):
                    due = max(due, entry.next_at)
                if due > now:
                    if due - now > deadline - time.monotonic():
                        return True
                    time.sleep(due - now)
                first = False
                self._do(entry, step.action)
                if time.monotonic() >= deadline:
                    return True
        finally:
            self.tx(lambda conn: journal.release(conn, trade_id))

    def _do(self, entry: Journaled, action: str) -> None:
        connector = self.connector(entry.store_id, entry.wallet)
        now = self.clock()
        if connector is None:
            self.tx(lambda conn: journal.update_journal(
                conn, entry.trade_id, now, next_at=retry_at(entry.wallet, now,
                                                            self.timings[entry.wallet]),
                last_result="the store's wallet account was removed; set it again"))
            return
        call_id = self.tx(lambda conn: journal.log_call(conn, entry.trade_id, action, now))
        if action == "query":
            answer = connector.query(entry.wallet_out_trade_no, entry.amount_fen)
        else:
            answer = connector.cancel(entry.wallet_out_trade_no)
        self.tx(lambda conn: self.apply(conn, entry, action, answer, call_id))

    def apply(self, conn: Connection, entry: Journaled, action: str, answer: WalletAnswer,
              call_id: int | None = None) -> None:
        """Book what the wallet said about a journaled payment (one transaction)."""
        now = self.clock()
        if call_id is not None:
            journal.log_answer(conn, call_id, now, f"{answer.outcome.value} {answer.code} "
                                                   f"{answer.message}".strip())
        current = journal.find_journal(conn, entry.trade_id, for_update=True)
        if current is None or current.phase == "final":
            return
        timing = self.timings[entry.wallet]
        result = f"{action}: {answer.outcome.value} {answer.code} {answer.message}".strip()
        counts = ({"queries": current.queries + 1} if action == "query"
                  else {"reversals": current.reversals + 1} if action == "reverse" else {})
        outcome = answer.outcome
        if outcome is Outcome.PAID:
            self._final(conn, current, TradeStatus.TRADE_SUCCESS, answer, now)
        elif outcome is Outcome.DECLINED and action == "pay":
            self._final(conn, current, TradeStatus.TRADE_CLOSED, answer, now,
                        decline_code=answer.code or "PAYTERM.WALLET_DECLINED")
        elif outcome is Outcome.CLOSED:
            self._final(conn, current, TradeStatus.TRADE_CLOSED, answer, now,
                        decline_code="" if action == "reverse" else "ACQ.TRADE_HAS_CLOSE")
        elif outcome is Outcome.NOT_FOUND:
            journal.update_journal(conn, current.trade_id, now, phase="reversing",
                                   next_at=now, last_result=result, **counts)
        elif outcome is Outcome.WAITING:
            journal.update_journal(conn, current.trade_id, now,
                                   phase="reversing" if current.phase == "reversing"
                                   else "waiting",
                                   next_at=next_poll_at(entry.wallet, now, current.pay_sent_at,
                                                        timing),
                                   wallet_trade_no=answer.wallet_trade_no
                                   or current.wallet_trade_no, last_result=result, **counts)
        else:       # UNKNOWN, RETRY, or a declined cancel: ask again later
            phase = current.phase if current.phase in ("reversing", "waiting") else "unknown"
            if action == "reverse":
                phase = "reversing"
            journal.update_journal(conn, current.trade_id, now, phase=phase,
                                   next_at=retry_at(entry.wallet, now, timing),
                                   last_result=result, **counts)

    def _final(self, conn: Connection, entry: Journaled, state: TradeStatus,
               answer: WalletAnswer, now: float, decline_code: str = "") -> None:
        trade = find_trade_by_id(conn, entry.trade_id, for_update=True)
        values: dict[str, object] = {"state": state.value}
        if state is TradeStatus.TRADE_CLOSED and trade.paid:
            # A paid trade reversed (the terminal cancelled it): the money went back.
            back = trade.amount_fen - trade.refunded_fen
            if back > 0 and find_refund(conn, trade, CANCEL_REQUEST_NO) is None:
                trade = add_refund(conn, trade, CANCEL_REQUEST_NO, back, now, "cancel")
            values["cancelled"] = True
        elif decline_code:
            values["decline_code"] = decline_code[:64]
        if entry.phase == "reversing":
            values["cancelled"] = True
        update_trade(conn, trade, now, **values)
        journal.update_journal(conn, entry.trade_id, now, phase="final",
                               wallet_trade_no=answer.wallet_trade_no or entry.wallet_trade_no,
                               buyer_id=answer.buyer_id or entry.buyer_id,
                               last_result=f"{state.value} {answer.code}".strip())

    # -- the background loop ------------------------------------------------------------
    def run_due_once(self) -> int:
        due = self.tx(lambda conn: journal.due_payments(conn, self.clock()), write=False)
        for trade_id in due:
            try:
                self.advance(trade_id)
            except Exception:                       # the loop must go on
                log.exception("wallet payment %s: resolution step failed", trade_id)
        return len(due)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name="wallet-resolver")
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.wallet_resolver_interval_s):
            try:
                self.run_due_once()
            except Exception:
                log.exception("wallet resolver pass failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.settings.wallet_call_deadline_s * 2 + 5)
            self._thread = None

