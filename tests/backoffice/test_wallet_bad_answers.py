"""Wallet answers that cannot be believed: unsigned, signed with another key, about
another order, another amount or another merchant, cut XML/JSON, an HTML error page, a
timeout. Never a false approval, never a lost trade (the payment is asked about again
and ends in the wallet's true state), and a reason the cashier can read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backoffice.storage.schema import trades
from backoffice.wallets.sandbox.faults import Fault
from terminal.host_messages import PayOutcome, PayRequest, TradeStatus
from tests.backoffice.wallet_fixtures import wait_for

pytestmark = pytest.mark.timeout(90)
FAULTS = [Fault.UNSIGNED, Fault.OTHER_KEY, Fault.OTHER_ORDER, Fault.OTHER_AMOUNT,
          Fault.OTHER_MERCHANT, Fault.TRUNCATED, Fault.HTML, Fault.TIMEOUT, Fault.DROP]
REASONS = {Fault.UNSIGNED: "sign", Fault.OTHER_KEY: "sign", Fault.OTHER_ORDER: "out_trade_no",
           Fault.OTHER_AMOUNT: "amount", Fault.TRUNCATED: "", Fault.HTML: "502",
           Fault.TIMEOUT: "time", Fault.DROP: "", Fault.OTHER_MERCHANT: ""}


def state_of(backoffice, number: str) -> str:
    with backoffice.engine.connect() as conn:
        return conn.execute(sa.select(trades.c.state).where(
            trades.c.out_trade_no == number)).scalar_one()


@pytest.mark.parametrize("fault", FAULTS, ids=[f.value for f in FAULTS])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_spoiled_pay_answer_is_never_an_approval(wallet_backoffice, wallet_terminal,
                                                   configured_wallet, fault):
    name, sandbox_world = configured_wallet
    if fault is Fault.OTHER_MERCHANT and name == "alipay":
        pytest.skip("Alipay answers do not name the app (the signature does)")
    sandbox_world.sandbox.faults.append(fault)
    auth_code = ("28" if name == "alipay" else "13") + "0000000000004200"
    with wallet_backoffice.client(wallet_terminal) as client:
        answer = client.pay(PayRequest(out_trade_no="T0001B1", auth_code=auth_code,
                                       total_fen=4321, subject="s", terminal_id="T0001"))
        assert answer.outcome is PayOutcome.UNKNOWN
        assert answer.sub_msg and REASONS[fault] in answer.sub_msg.lower()
        # The wallet did take the money: the journal finds it by query, exactly once.
        wait_for(lambda: state_of(wallet_backoffice, "T0001B1") != "WAIT_BUYER_PAY")
        assert client.query("T0001B1").status is TradeStatus.TRADE_SUCCESS
    merchant = "2021000000000077" if name == "alipay" else "1900000109"
    assert len(sandbox_world.ledger.orders(merchant)) == 1
