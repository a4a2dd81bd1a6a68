"""Reconciliation against the wallets' own daily bills (Alipay's zip of GBK CSV,
WeChat Pay's backquoted text), pulled from the sandboxes: matching days stay quiet,
every difference lands on the store's exception list once."""

from __future__ import annotations

import time

import pytest

from backoffice.clock import bill_day
from backoffice.trades.store_exceptions import list_exceptions
from backoffice.wallets.reconcile import reconcile_store
from terminal.host_messages import PayRequest
from tests.backoffice.wallet_fixtures import ALIPAY_APP_ID, WECHAT_MCH_ID, configure

pytestmark = pytest.mark.timeout(90)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_reconciliation_with_both_wallets_bills(wallet_backoffice, wallet_terminal,
                                                alipay_world, wechat_world):
    for name, world in (("alipay", alipay_world), ("wechat", wechat_world)):
        configure(wallet_backoffice, name, world.public_settings(), world.secrets())
    with wallet_backoffice.client(wallet_terminal) as client:
        for number, code in (("T0001M1", "280000000000001100"), ("T0001M2", "280000000000001200"),
                             ("T0001M3", "130000000000001300"), ("T0001M4", "130000000000001481")):
            client.pay(PayRequest(out_trade_no=number, auth_code=code, total_fen=1000,
                                  subject="s", terminal_id="T0001"))
        assert client.refund("T0001M1", 250, "R1").accepted
        assert client.refund("T0001M3", 1000, "R3").accepted
    day = bill_day(time.time())
    resolver = wallet_backoffice.wallets.resolver
    reports = {r.wallet: r for r in reconcile_store(resolver, "S1", day)}
    assert reports["alipay"].differences == [] and reports["alipay"].matched == 2
    assert reports["wechat"].differences == [] and reports["wechat"].matched == 1
    assert reports["alipay"].bill_lines == 3 and reports["wechat"].bill_lines == 2
    # The wallet took money the books do not know of, and lost one the books have.
    alipay_world.ledger.pay(ALIPAY_APP_ID, "2026UNKNOWN0001", "280000000000009900", 777, "x")
    wechat_orders = wechat_world.ledger._orders
    lost = next(key for key in wechat_orders if key[0] == WECHAT_MCH_ID)
    del wechat_orders[lost]
    reports = {r.wallet: r for r in reconcile_store(resolver, "S1", day)}
    assert [d["reason_code"] for d in reports["alipay"].differences] == ["WALLET.NOT_IN_BOOKS"]
    assert reports["alipay"].differences[0]["wallet_paid"] == "7.77"
    assert [d["reason_code"] for d in reports["wechat"].differences] == ["WALLET.NOT_IN_BILL"]
    reconcile_store(resolver, "S1", day)              # again: listed once
    with wallet_backoffice.engine.connect() as conn:
        listed = [e for e in list_exceptions(conn, store_id="S1")
                  if e.kind == "wallet_mismatch"]
    assert sorted(e.reason_code for e in listed) == ["WALLET.NOT_IN_BILL",
                                                     "WALLET.NOT_IN_BOOKS"]
    assert {e.out_trade_no for e in listed} >= {"T0001M3"}
