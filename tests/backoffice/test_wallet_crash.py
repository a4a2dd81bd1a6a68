"""The back office SIGKILLed at random points of wallet payments, at least 50 times
(``PAYTERM_WALLET_CRASHES`` to change): afterwards what the terminals were told, the
back office's books and the wallet sandboxes agree for every payment, and no code was
ever sent to a wallet twice.

The terminals follow their own rules against the back office (query until a final
state, cancel when their budget runs out, retry a cancel that says retry); the back
office follows the wallets' rules (at a tenth of their real timings here)."""

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
from terminal.host_messages import PayOutcome, PayRequest, TradeStatus
from tests.backoffice.harness import ServeProcess, TerminalIdentity, terminal_client
from tests.backoffice.pg_server import free_port
from tests.backoffice.wallet_fixtures import ALIPAY_APP_ID, WECHAT_MCH_ID

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]
CRASHES = int(os.environ.get("PAYTERM_WALLET_CRASHES", "50"))
SUFFIXES = ["00", "00", "00", "81", "83", "84", "85", "86", "87", "88", "89"]
ENV = {"PAYTERM_BACKOFFICE__WALLET_TIMING_SCALE": "0.1",
       "PAYTERM_BACKOFFICE__WALLET_CALL_DEADLINE_S": "3",
       "PAYTERM_BACKOFFICE__WALLET_RESOLVER_INTERVAL_S": "0.2"}
FINAL = (TradeStatus.TRADE_SUCCESS, TradeStatus.TRADE_CLOSED)


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


def settle(client, number: str, budget_s: float = 20.0) -> str:
    """What a terminal does with a payment whose answer it did not get or that waits:
    query until final; past its budget cancel (retried) and take the closed state."""
    started = time.monotonic()
    while True:
        try:
            status = client.query(number).status
            if status in FINAL:
                return status.value
            if status is TradeStatus.NOT_EXIST or time.monotonic() - started > budget_s:
                answer = client.cancel(number)
                if answer.done:
                    status = client.query(number).status
                    return (status.value if status in FINAL
                            else TradeStatus.TRADE_CLOSED.value)
        except Exception:                 # the back office is down: ask again later
            pass
        time.sleep(0.3)


def terminal_loop(url_of, terminal, key, stop, told: dict, prefix: str, seed: int) -> None:
    rng = random.Random(seed)
    serial = 0
    while not stop.is_set():
        serial += 1
        number = f"{prefix}{serial:05d}"
        wallet_prefix = rng.choice(["28", "13"])
        auth_code = f"{wallet_prefix}{seed:02d}{serial:012d}{rng.choice(SUFFIXES)}"
        with terminal_client(url_of(), terminal, key, read_timeout_s=10.0) as client:
            try:
                answer = client.pay(PayRequest(out_trade_no=number, auth_code=auth_code,
                                               total_fen=rng.randint(1, 99_999), subject="c",
                                               terminal_id=terminal.terminal_id))
                outcome = answer.outcome
            except Exception:
                outcome = PayOutcome.UNKNOWN
            if outcome is PayOutcome.APPROVED:
                told[number] = TradeStatus.TRADE_SUCCESS.value
            elif outcome is PayOutcome.DECLINED:
                told[number] = TradeStatus.TRADE_CLOSED.value
            else:
                told[number] = settle(client, number)


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
    url_of = lambda: backoffice.serve.url     # noqa: E731
    stop, told = threading.Event(), {}
    threads = [threading.Thread(target=terminal_loop, args=(
        url_of, term, key, stop, told, f"{term.terminal_id}K", index), daemon=True)
        for index, term in enumerate(terminals)]
    for thread in threads:
        thread.start()
    rng = random.Random(7)
    try:
        while backoffice.kills < CRASHES:
            time.sleep(rng.uniform(0.2, 2.5))
            backoffice.kill_and_restart()
        stop.set()
        for thread in threads:
            thread.join(300)
            assert not thread.is_alive(), "a terminal never settled a payment"
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
        backoffice.serve.stop()
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
            assert row.state == "TRADE_SUCCESS" and told.get(row.out_trade_no) in (
                None, "TRADE_SUCCESS"), number
    sent = Counter(p.get("out_trade_no") or __import__("json").loads(
        p.get("biz_content", "{}")).get("out_trade_no")
        for p in alipay_world.sandbox.received + wechat_world.sandbox.received
        if p.get("method") == "alipay.trade.pay" or p.get("_path") == "/pay/micropay")
    assert max(sent.values()) == 1, "a payment code was sent to a wallet twice"
