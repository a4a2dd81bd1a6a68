"""The back office SIGKILLed at random points of wallet payments, at least 50 times
(``PAYTERM_WALLET_CRASHES`` to change): afterwards the terminals' journals, the back
office's books and the wallet sandboxes agree for every payment, and no code was ever
sent to a wallet twice.

Each terminal is the terminal's real payment flow (``WalletPayment``: journal first,
then the host client, its own resolver for unknown outcomes: query until final, cancel
when its budget runs out, retry a cancel that says retry) on its own SQLite journal;
the back office follows the wallets' rules (at a tenth of their real timings here)."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from backoffice.settings import BackofficeSettings
from backoffice.signing_keys import ensure_signing_key
from backoffice.storage.engine import open_engine
from backoffice.storage.schema import trades
from backoffice.storage.wallet_schema import wallet_payments
from backoffice.wallets.accounts import save_account
from backoffice.wallets.sandbox.wallet_ledger import State
from backoffice.wallets.sealing import ensure_sealer
from backoffice.registry.terminals import add_terminal
from offline_queue.journal import SqliteJournal
from offline_queue.resolver_worker import run_pass
from terminal.clock import SystemClock
from terminal.resolution import Resolver as TerminalResolver
from terminal.settings.model import Settings, settings_from
from terminal.transaction import TxState
from terminal.wallet_payment import WalletPayment
from tests.backoffice.harness import ServeProcess, TerminalIdentity, terminal_client
from tests.backoffice.pg_server import free_port
from tests.backoffice.wallet_fixtures import ALIPAY_APP_ID, WECHAT_MCH_ID

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]
CRASHES = int(os.environ.get("PAYTERM_WALLET_CRASHES", "50"))
SUFFIXES = ["00", "00", "00", "81", "83", "84", "85", "86", "87", "88", "89"]
ENV = {"PAYTERM_BACKOFFICE__WALLET_TIMING_SCALE": "0.1",
       "PAYTERM_BACKOFFICE__WALLET_CALL_DEADLINE_S": "3",
       "PAYTERM_BACKOFFICE__WALLET_RESOLVER_INTERVAL_S": "0.2"}


class Backoffice:
    """``serve`` on one port, killed (SIGKILL, whole process group) and started again."""

    def __init__(self, data_dir, url) -> None:
        self.data_dir, self.url, self.port = data_dir, url, free_port()
        self.serve = ServeProcess(data_dir, url, env=ENV, port=self.port)
        self.kills = 0

    def kill_and_restart(self) -> None:
        os.killpg(self.serve.process.pid, 9)
        self.serve.process.wait(10)
        self.serve._log.close()
        self.kills += 1
        self.serve = ServeProcess(self.data_dir, self.url, env=ENV, port=self.port)


# The terminal asks the back office, which does the waiting: short terminal budgets.
TERMINAL_RESOLUTION = {"first_query_delay_s": 0.3, "poll_interval_s": 0.5,
                       "poll_budget_s": 20.0, "cancel_not_before_s": 0.0,
                       "cancel_retry_interval_s": 0.3, "cancel_max_attempts": 1000}
APPROVED = (TxState.APPROVED,)
NOTHING_KEPT = (TxState.DECLINED, TxState.CLOSED, TxState.CANCELLED)


def terminal_settings(terminal_id: str, url: str) -> Settings:
    return settings_from({
        "terminal": {"terminal_id": terminal_id},
        "host": {"base_url": url, "connect_timeout_s": 1.0, "read_timeout_s": 10.0,
                 "connect_retry_delay_s": 0.05},
        "resolver": {"alipay": TERMINAL_RESOLUTION, "wechat": TERMINAL_RESOLUTION,
                     "idle_sleep_s": 0.05},
    })


class Till:
    """One terminal: its settings, journal and client (the real ones)."""

    def __init__(self, identity: TerminalIdentity, url: str, key, db_path) -> None:
        self.settings = terminal_settings(identity.terminal_id, url)
        self.client = terminal_client(url, identity, key, read_timeout_s=10.0)
        self.journal_path = db_path
        self.clock = SystemClock()

    def open_journal(self) -> SqliteJournal:
        return SqliteJournal.open(self.journal_path)


def terminal_loop(till: Till, stop, seed: int, paid: list[int]) -> None:
    rng = random.Random(seed)
    journal = till.open_journal()
    payment = WalletPayment(till.client, journal, till.settings, till.clock)
    serial = 0
    try:
        while not stop.is_set():
            serial += 1
            wallet_prefix = rng.choice(["28", "13"])
            auth_code = f"{wallet_prefix}{seed:02d}{serial:012d}{rng.choice(SUFFIXES)}"
            paid[seed] += 1
            try:
                payment.pay(rng.randint(1, 99_999), auth_code, wait_s=20.0)
            except Exception:                # e.g. the journal refused: nothing was sent
                time.sleep(0.1)
    finally:
        journal.close()


def finish_on_the_terminal(till: Till, deadline_s: float = 180.0) -> None:
    """What the terminal's background resolver (and a person's recheck) does once the
    back office stays up: every attempt ends final."""
    journal = till.open_journal()
    resolver = TerminalResolver(till.client, journal, till.settings.resolver, till.clock)
    deadline = time.monotonic() + deadline_s
    try:
        while journal.unresolved() or journal.held():
            assert time.monotonic() < deadline, "a terminal attempt never settled"
            for attempt in journal.held():
                resolver.recheck(attempt)
            next_due = run_pass(resolver, journal)
            time.sleep(max(0.05, min(0.5, next_due - time.time())))
    finally:
        journal.close()


def journal_states(till: Till) -> dict[str, tuple[TxState, int]]:
    journal = till.open_journal()
    try:
        return {a.out_trade_no: (a.state, a.amount_fen) for a in journal.recent(None)}
    finally:
        journal.close()


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_killed_back_office_resolves_every_wallet_payment_exactly_once(
        database_url, tmp_path, key_pool, alipay_world, wechat_world):
    data_dir = tmp_path / "bo"
    engine = open_engine(database_url, BackofficeSettings(), pool_size=1)
    sealer = ensure_sealer(data_dir / "keys")
    terminals = [TerminalIdentity(f"T00{i}", "S1", key_pool[i]) for i in (1, 2)]
    with engine.begin() as conn:
        for term in terminals:
            add_terminal(conn, term.terminal_id, "S1", term.public_pem, time.time())
        for wallet, world in (("alipay", alipay_world), ("wechat", wechat_world)):
            save_account(conn, sealer, store_id="S1", wallet=wallet,
                         public=world.public_settings(), secrets=world.secrets(),
                         now=time.time())
    backoffice = Backoffice(data_dir, database_url)
    key = ensure_signing_key(data_dir / "keys" / "backoffice_private.pem",
                             data_dir / "keys" / "backoffice_public.pem")
    tills = [Till(term, backoffice.serve.url, key, tmp_path / f"{term.terminal_id}.db")
             for term in terminals]
    stop, paid = threading.Event(), [0] * len(tills)
    threads = [threading.Thread(target=terminal_loop, args=(till, stop, index, paid),
                                daemon=True) for index, till in enumerate(tills)]
    for thread in threads:
        thread.start()
    rng = random.Random(7)
    try:
        # At least CRASHES kills, and going on until at least CRASHES payments were
        # started (a payment caught by a kill waits for the back office to come back).
        while backoffice.kills < CRASHES or sum(paid) < CRASHES:
            time.sleep(rng.uniform(0.2, 2.5))
            backoffice.kill_and_restart()
        stop.set()
        for thread in threads:
            thread.join(300)
            assert not thread.is_alive(), "a terminal never finished a payment"
        for till in tills:
            finish_on_the_terminal(till)
        deadline = time.monotonic() + 120
        while True:
            with engine.connect() as conn:
                open_ = conn.execute(sa.select(sa.func.count()).select_from(wallet_payments)
                                     .where(wallet_payments.c.phase != "final")).scalar()
            if open_ == 0:
                break
            assert time.monotonic() < deadline, f"{open_} wallet payments never finished"
            time.sleep(0.5)
    finally:
        stop.set()
        for till in tills:
            till.client.close()
        backoffice.serve.stop()
    journals = {number: state for till in tills
                for number, state in journal_states(till).items()}
    told = {}
    for number, (state, _amount) in journals.items():
        assert state in APPROVED + NOTHING_KEPT, f"{number} ended {state.value}"
        told[number] = ("TRADE_SUCCESS" if state in APPROVED else "TRADE_CLOSED")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(trades.c.out_trade_no, trades.c.state, trades.c.tender,
                                      trades.c.amount_fen, trades.c.refunded_fen,
                                      wallet_payments.c.wallet,
                                      wallet_payments.c.wallet_out_trade_no)
                            .select_from(trades.outerjoin(
                                wallet_payments,
                                wallet_payments.c.trade_id == trades.c.trade_id))).all()
    engine.dispose()
    books = {row.out_trade_no: row for row in rows}
    orders = {o.out_trade_no: o for o in alipay_world.ledger.orders(ALIPAY_APP_ID)
              + wechat_world.ledger.orders(WECHAT_MCH_ID)}
    assert len(told) >= CRASHES and backoffice.kills >= CRASHES
    for number, status in told.items():
        row = books.get(number)
        if status == "TRADE_SUCCESS":
            assert row is not None and row.state == "TRADE_SUCCESS", number
            assert row.amount_fen == journals[number][1], number
            order = orders[row.wallet_out_trade_no]
            assert order.state is State.PAID and order.amount_fen == row.amount_fen, number
        else:
            assert row is None or row.state == "TRADE_CLOSED", number
            order = orders.get(row.wallet_out_trade_no) if row is not None and \
                row.wallet_out_trade_no else None
            kept = order is not None and order.state is State.PAID
            assert not kept, f"{number}: closed for the terminal but the wallet kept the money"
    by_wallet_number = {row.wallet_out_trade_no: row for row in rows if row.wallet_out_trade_no}
    for number, order in orders.items():
        if order.state is State.PAID:    # money taken: the books and the terminal know it
            row = by_wallet_number[number]
            assert row.state == "TRADE_SUCCESS" and told.get(
                row.out_trade_no) == "TRADE_SUCCESS", number
    sent = Counter(p.get("out_trade_no") or __import__("json").loads(
        p.get("biz_content", "{}")).get("out_trade_no")
        for p in alipay_world.sandbox.received + wechat_world.sandbox.received
        if p.get("method") == "alipay.trade.pay" or p.get("_path") == "/pay/micropay")
    assert max(sent.values()) == 1, "a payment code was sent to a wallet twice"
