"""Alipay through the back office, against the Alipay sandbox, with the official
``alipay-sdk-python`` as the oracle: it verifies every request the connector sent and
signs every answer the sandbox gave. The terminal side is the real HostClient."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backoffice.storage.schema import trades
from backoffice.storage.wallet_schema import wallet_payments
from backoffice.wallets.sandbox.wallet_ledger import State
from terminal.host_messages import PayOutcome, PayRequest, TradeStatus
from tests.backoffice.wallet_fixtures import configure, sdk_verifies_request, wait_for

pytestmark = pytest.mark.timeout(90)


def code(suffix: str, serial: int = 1) -> str:
    return f"28{serial:014d}{suffix}"


def pay(client, number: str, auth_code: str, fen: int = 1234):
    return client.pay(PayRequest(out_trade_no=number, auth_code=auth_code, total_fen=fen,
                                 subject="牛奶 milk", terminal_id="T0001"))


def booked(backoffice, number: str) -> dict:
    with backoffice.engine.connect() as conn:
        row = conn.execute(sa.select(trades).where(trades.c.out_trade_no == number)
                           ).mappings().one()
        journal = conn.execute(sa.select(wallet_payments).where(
            wallet_payments.c.trade_id == row["trade_id"])).mappings().one()
    return {**dict(row), "phase": journal["phase"], "wallet_out_trade_no":
            journal["wallet_out_trade_no"]}


@pytest.fixture
def alipay_bo(wallet_backoffice, alipay_world):
    configure(wallet_backoffice, "alipay", alipay_world.public_settings(),
              alipay_world.secrets())
    return wallet_backoffice


@pytest.fixture
def bo_client(alipay_bo, wallet_terminal):
    with alipay_bo.client(wallet_terminal) as host_client:
        yield host_client


def every_request_verified_by_the_sdk(world) -> None:
    assert world.sandbox.received
    for params in world.sandbox.received:
        assert sdk_verifies_request(params, world.app_key.public_key()), params["method"]


def test_an_approved_alipay_code_is_charged_once_at_alipay(alipay_bo, bo_client, alipay_world):
    answer = pay(bo_client, "T0001A1", code("00"))
    assert answer.outcome is PayOutcome.APPROVED and answer.total_fen == 1234
    row = booked(alipay_bo, "T0001A1")
    assert (row["state"], row["tender"], row["wallet"], row["phase"]) == \
        ("TRADE_SUCCESS", "wallet", "alipay", "final")
    order = alipay_world.ledger.order("2021000000000077", row["wallet_out_trade_no"])
    assert order.state is State.PAID and order.amount_fen == 1234
    # The same pay again answers the same trade; Alipay is asked, never charged again.
    assert pay(bo_client, "T0001A1", code("00")).outcome is PayOutcome.APPROVED
    assert len(alipay_world.ledger.orders("2021000000000077")) == 1
    sent = [p for p in alipay_world.sandbox.received if p["method"] == "alipay.trade.pay"]
    assert len(sent) == 1 and '"total_amount":"12.34"' in sent[0]["biz_content"]
    every_request_verified_by_the_sdk(alipay_world)
    assert bo_client.query("T0001A1").status is TradeStatus.TRADE_SUCCESS


@pytest.mark.parametrize("suffix, sub_code", [("81", "ACQ.BUYER_BALANCE_NOT_ENOUGH"),
                                              ("82", "ACQ.PAYMENT_AUTH_CODE_INVALID")])
def test_declines_carry_alipays_reason(alipay_bo, bo_client, alipay_world, suffix, sub_code):
    answer = pay(bo_client, "T0001D" + suffix, code(suffix))
    assert (answer.outcome, answer.sub_code) == (PayOutcome.DECLINED, sub_code)
    assert answer.sub_msg
    assert booked(alipay_bo, "T0001D" + suffix)["state"] == "TRADE_CLOSED"
    assert bo_client.query("T0001D" + suffix).status is TradeStatus.TRADE_CLOSED


def test_password_then_success_is_polled_to_paid(alipay_bo, bo_client, alipay_world):
    assert pay(bo_client, "T0001P1", code("83")).outcome is PayOutcome.WAITING_FOR_PASSWORD
    status = wait_for(lambda: bo_client.query("T0001P1").status
                      if bo_client.query("T0001P1").status is not TradeStatus.WAIT_BUYER_PAY
                      else None)
    assert status is TradeStatus.TRADE_SUCCESS
    every_request_verified_by_the_sdk(alipay_world)


def test_password_then_close_ends_closed(alipay_bo, bo_client, alipay_world):
    assert pay(bo_client, "T0001P2", code("84")).outcome is PayOutcome.WAITING_FOR_PASSWORD
    wait_for(lambda: booked(alipay_bo, "T0001P2")["phase"] == "final")
    assert bo_client.query("T0001P2").status is TradeStatus.TRADE_CLOSED


def test_system_error_without_a_trade_is_queried_then_cancelled(alipay_bo, bo_client,
                                                                 alipay_world):
    assert pay(bo_client, "T0001S1", code("85")).outcome is PayOutcome.UNKNOWN
    wait_for(lambda: booked(alipay_bo, "T0001S1")["phase"] == "final")
    assert bo_client.query("T0001S1").status is TradeStatus.TRADE_CLOSED
    methods = [p["method"] for p in alipay_world.sandbox.received]
    assert methods[0] == "alipay.trade.pay" and "alipay.trade.query" in methods
    assert methods[-1] == "alipay.trade.cancel"
    # A pay arriving late at Alipay now finds the order closed.
    number = booked(alipay_bo, "T0001S1")["wallet_out_trade_no"]
    assert alipay_world.ledger.pay("2021000000000077", number, code("00", 9), 1234,
                                   "x")[1] == "closed"


@pytest.mark.parametrize("suffix", ["86", "87", "88"])
def test_paid_at_alipay_without_an_answer_is_found_by_query(alipay_bo, bo_client,
                                                            alipay_world, suffix):
    answer = pay(bo_client, "T0001U" + suffix, code(suffix))
    assert answer.outcome is PayOutcome.UNKNOWN          # never approved without an answer
    status = wait_for(lambda: bo_client.query("T0001U" + suffix).status
                      if booked(alipay_bo, "T0001U" + suffix)["phase"] == "final" else None)
    assert status is TradeStatus.TRADE_SUCCESS
    assert len(alipay_world.ledger.orders("2021000000000077")) == 1


def test_the_terminals_cancel_is_retried_until_alipay_confirms(alipay_bo, bo_client,
                                                               alipay_world):
    assert pay(bo_client, "T0001C1", code("89")).outcome is PayOutcome.APPROVED
    first = bo_client.cancel("T0001C1")
    assert not first.done and first.retry                 # Alipay said retry_flag=Y
    done = wait_for(lambda: (lambda a: a if a.done else None)(bo_client.cancel("T0001C1")))
    assert done.action == "refund"
    row = booked(alipay_bo, "T0001C1")
    assert (row["state"], row["refunded_fen"], row["cancelled"]) == ("TRADE_CLOSED", 1234, True)
    order = alipay_world.ledger.order("2021000000000077", row["wallet_out_trade_no"])
    assert order.state is State.CLOSED and order.reversed


def test_refunds_go_to_alipay_once_per_request_number(alipay_bo, bo_client, alipay_world):
    assert pay(bo_client, "T0001R1", code("00"), fen=5000).outcome is PayOutcome.APPROVED
    first = bo_client.refund("T0001R1", 2000, "R1")
    assert first.accepted and first.total_refunded_fen == 2000
    again = bo_client.refund("T0001R1", 2000, "R1")
    assert again.accepted
    too_much = bo_client.refund("T0001R1", 3001, "R2")
    assert not too_much.accepted and too_much.sub_code == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
    order = alipay_world.ledger.order("2021000000000077",
                                      booked(alipay_bo, "T0001R1")["wallet_out_trade_no"])
    assert order.refunded == {"R1": 2000}
    every_request_verified_by_the_sdk(alipay_world)


def test_unionpay_and_unconfigured_wallets_are_refused_with_a_reason(alipay_bo, bo_client):
    union = pay(bo_client, "T0001N1", "6212345678901234567")
    assert (union.outcome, union.sub_code) == (PayOutcome.DECLINED, "PAYTERM.NO_ACQUIRER")
    wechat = pay(bo_client, "T0001N2", "134567890123456789")
    assert (wechat.outcome, wechat.sub_code) == (PayOutcome.DECLINED,
                                                 "PAYTERM.WALLET_NOT_CONFIGURED")
    assert "WeChat Pay" in wechat.sub_msg and "S1" in wechat.sub_msg


def test_a_new_app_key_is_used_from_the_next_call_without_a_restart(alipay_bo, bo_client,
                                                                     alipay_world):
    from cryptography.hazmat.primitives.asymmetric import rsa

    from backoffice.wallets.sandbox.alipay_gateway import AlipayApp
    from tests.backoffice.wallet_fixtures import ALIPAY_APP_ID, private_pem

    assert pay(bo_client, "T0001K1", code("00", 1)).outcome is PayOutcome.APPROVED
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    alipay_world.sandbox.apps[ALIPAY_APP_ID] = AlipayApp(new_key.public_key())  # at Alipay
    configure(alipay_bo, "alipay", alipay_world.public_settings(),          # wallet set
              {**alipay_world.secrets(), "private_key_pem": private_pem(new_key)})
    assert pay(bo_client, "T0001K2", code("00", 2)).outcome is PayOutcome.APPROVED
    first, second = [p for p in alipay_world.sandbox.received
                     if p["method"] == "alipay.trade.pay"]
    assert sdk_verifies_request(first, alipay_world.app_key.public_key())
    assert sdk_verifies_request(second, new_key.public_key())
    assert not sdk_verifies_request(second, alipay_world.app_key.public_key())
