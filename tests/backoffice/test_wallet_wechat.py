"""WeChat Pay v2 through the back office, against the WeChat Pay sandbox (TLS, client
certificate for reverse and refund), with ``wechatpy`` as the oracle: it computes and
checks every signature and parses the XML both ways."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import xmltodict
from wechatpy.pay.utils import calculate_signature_hmac

from backoffice.storage.schema import trades
from backoffice.storage.wallet_schema import wallet_calls, wallet_payments
from backoffice.wallets.sandbox.wallet_ledger import State
from terminal.host_messages import PayOutcome, PayRequest, TradeStatus
from tests.backoffice.wallet_fixtures import (WECHAT_API_KEY, WECHAT_MCH_ID, configure,
                                              wait_for)

pytestmark = pytest.mark.timeout(90)


def code(suffix: str, serial: int = 1) -> str:
    return f"13{serial:014d}{suffix}"


def pay(client, number: str, auth_code: str, fen: int = 888):
    return client.pay(PayRequest(out_trade_no=number, auth_code=auth_code, total_fen=fen,
                                 subject="面包 bread", terminal_id="T0001"))


def booked(backoffice, number: str) -> dict:
    with backoffice.engine.connect() as conn:
        row = conn.execute(sa.select(trades).where(trades.c.out_trade_no == number)
                           ).mappings().one()
        journal = conn.execute(sa.select(wallet_payments).where(
            wallet_payments.c.trade_id == row["trade_id"])).mappings().one()
        calls = conn.execute(sa.select(wallet_calls.c.kind, wallet_calls.c.sent_at).where(
            wallet_calls.c.trade_id == row["trade_id"]).order_by(wallet_calls.c.call_id)).all()
    return {**dict(row), "phase": journal["phase"], "pay_sent_at": journal["pay_sent_at"],
            "wallet_out_trade_no": journal["wallet_out_trade_no"], "calls": calls}


@pytest.fixture
def wechat_bo(wallet_backoffice, wechat_world):
    configure(wallet_backoffice, "wechat", wechat_world.public_settings(),
              wechat_world.secrets())
    return wallet_backoffice


@pytest.fixture
def bo_client(wechat_bo, wallet_terminal):
    with wechat_bo.client(wallet_terminal) as host_client:
        yield host_client


def every_request_checked_by_wechatpy(world) -> None:
    assert world.sandbox.received
    for params in world.sandbox.received:
        fields = {k: v for k, v in params.items() if k != "_path"}
        assert fields["sign_type"] == "HMAC-SHA256"
        assert fields["sign"] == calculate_signature_hmac(
            {k: v for k, v in fields.items() if k != "sign"}, WECHAT_API_KEY), params["_path"]


def test_an_approved_wechat_code_is_charged_once(wechat_bo, bo_client, wechat_world):
    answer = pay(bo_client, "T0001W1", code("00"))
    assert answer.outcome is PayOutcome.APPROVED and answer.total_fen == 888
    row = booked(wechat_bo, "T0001W1")
    assert (row["state"], row["wallet"], row["phase"]) == ("TRADE_SUCCESS", "wechat", "final")
    order = wechat_world.ledger.order(WECHAT_MCH_ID, row["wallet_out_trade_no"])
    assert order.state is State.PAID and order.amount_fen == 888
    assert pay(bo_client, "T0001W1", code("00")).outcome is PayOutcome.APPROVED
    assert len(wechat_world.ledger.orders(WECHAT_MCH_ID)) == 1
    every_request_checked_by_wechatpy(wechat_world)
    micropay = [p for p in wechat_world.sandbox.received if p["_path"] == "/pay/micropay"]
    assert len(micropay) == 1 and micropay[0]["total_fee"] == "888"


@pytest.mark.parametrize("suffix, sub_code", [("81", "ACQ.BUYER_BALANCE_NOT_ENOUGH"),
                                              ("82", "ACQ.PAYMENT_AUTH_CODE_INVALID")])
def test_wechat_declines_reach_the_terminal_in_its_terms(wechat_bo, bo_client, suffix,
                                                         sub_code):
    answer = pay(bo_client, "T0001X" + suffix, code(suffix))
    assert (answer.outcome, answer.sub_code) == (PayOutcome.DECLINED, sub_code)
    assert "WeChat" in answer.sub_msg


def test_userpaying_is_queried_every_5s_then_paid(wechat_bo, bo_client, wechat_world):
    assert pay(bo_client, "T0001Y1", code("83")).outcome is PayOutcome.WAITING_FOR_PASSWORD
    wait_for(lambda: booked(wechat_bo, "T0001Y1")["phase"] == "final")
    assert bo_client.query("T0001Y1").status is TradeStatus.TRADE_SUCCESS
    every_request_checked_by_wechatpy(wechat_world)


def test_userpaying_past_30s_is_reversed_not_before_15s(wechat_bo, bo_client, wechat_world):
    wechat_world.ledger.config = type(wechat_world.ledger.config)(
        password_delay_s=60.0, slow_delay_s=4.5, cancel_retry_times=2)
    assert pay(bo_client, "T0001Y2", code("83")).outcome is PayOutcome.WAITING_FOR_PASSWORD
    wait_for(lambda: booked(wechat_bo, "T0001Y2")["phase"] == "final")
    row = booked(wechat_bo, "T0001Y2")
    kinds = [kind for kind, _ in row["calls"]]
    assert kinds[0] == "pay" and "query" in kinds and kinds[-1] == "reverse"
    reverse_at = [sent for kind, sent in row["calls"] if kind == "reverse"][0]
    # scaled x0.1 in tests: 30 s budget -> 3 s, 15 s before a reverse -> 1.5 s
    assert reverse_at - row["pay_sent_at"] >= 1.5
    assert row["state"] == "TRADE_CLOSED"
    order = wechat_world.ledger.order(WECHAT_MCH_ID, row["wallet_out_trade_no"])
    assert order.state is State.CLOSED and order.reversed


def test_systemerror_with_payment_is_found_by_orderquery(wechat_bo, bo_client, wechat_world):
    assert pay(bo_client, "T0001Z1", code("86")).outcome is PayOutcome.UNKNOWN
    wait_for(lambda: booked(wechat_bo, "T0001Z1")["phase"] == "final")
    assert bo_client.query("T0001Z1").status is TradeStatus.TRADE_SUCCESS


def test_systemerror_without_order_is_reversed(wechat_bo, bo_client, wechat_world):
    assert pay(bo_client, "T0001Z2", code("85")).outcome is PayOutcome.UNKNOWN
    wait_for(lambda: booked(wechat_bo, "T0001Z2")["phase"] == "final")
    assert bo_client.query("T0001Z2").status is TradeStatus.TRADE_CLOSED
    assert booked(wechat_bo, "T0001Z2")["calls"][-1][0] == "reverse"


def test_reverse_is_retried_while_recall_says_y(wechat_bo, bo_client, wechat_world):
    assert pay(bo_client, "T0001V1", code("89")).outcome is PayOutcome.APPROVED
    done = wait_for(lambda: (lambda a: a if a.done else None)(bo_client.cancel("T0001V1")))
    assert done.action == "refund"
    row = booked(wechat_bo, "T0001V1")
    reverses = [kind for kind, _ in row["calls"] if kind == "reverse"]
    assert len(reverses) == 3                 # recall=Y twice, then done
    assert row["state"] == "TRADE_CLOSED" and row["refunded_fen"] == 888
    assert wechat_world.ledger.order(WECHAT_MCH_ID, row["wallet_out_trade_no"]).reversed


def test_refund_uses_the_client_certificate_and_one_number_per_request(wechat_bo, bo_client,
                                                                       wechat_world):
    assert pay(bo_client, "T0001F1", code("00"), fen=1000).outcome is PayOutcome.APPROVED
    assert bo_client.refund("T0001F1", 300, "RF1").accepted
    assert bo_client.refund("T0001F1", 300, "RF1").accepted
    order = wechat_world.ledger.order(WECHAT_MCH_ID,
                                      booked(wechat_bo, "T0001F1")["wallet_out_trade_no"])
    assert list(order.refunded.values()) == [300]
    every_request_checked_by_wechatpy(wechat_world)


def test_without_the_client_certificate_a_refund_is_refused_not_lost(wechat_bo, bo_client,
                                                                     wechat_world):
    secrets = wechat_world.secrets()
    del secrets["cert_pem"], secrets["key_pem"]
    configure(wechat_bo, "wechat", wechat_world.public_settings(), secrets)   # rotation
    assert pay(bo_client, "T0001F2", code("00"), fen=1000).outcome is PayOutcome.APPROVED
    refused = bo_client.refund("T0001F2", 300, "RF2")
    assert not refused.accepted and "certificate" in refused.sub_msg
    assert booked(wechat_bo, "T0001F2")["refunded_fen"] == 0


def test_wechatpy_parses_the_sandbox_xml(wechat_world):
    wechat_world.sandbox.received.clear()
    from backoffice.wallets.sandbox.http_server import SandboxRequest
    from backoffice.wallets.wechat.xml_sign import signature, to_xml
    params = {"appid": "wx8888888888888888", "mch_id": WECHAT_MCH_ID, "nonce_str": "n1",
              "sign_type": "HMAC-SHA256", "out_trade_no": "nope"}
    params["sign"] = signature(params, WECHAT_API_KEY)
    answer = wechat_world.sandbox.handle(SandboxRequest("/pay/orderquery", "",
                                                        to_xml(params), "text/xml"))
    data = xmltodict.parse(answer.body)["xml"]
    assert (data["return_code"], data["err_code"]) == ("SUCCESS", "ORDERNOTEXIST")
    assert data["sign"] == calculate_signature_hmac(
        {k: v for k, v in data.items() if k != "sign"}, WECHAT_API_KEY)
