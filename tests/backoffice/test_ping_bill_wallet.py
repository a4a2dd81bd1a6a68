"""Ping records what the terminal reports; the daily bill lists every trade of the
terminal's day; wallet codes get a clear refusal until connectors exist."""

from __future__ import annotations

import time
from datetime import date

import pytest

from backoffice.clock import today
from backoffice.registry.terminals import require_terminal
from terminal.errors import HostRejected
from terminal.host_batch_messages import OfflineTender
from terminal.host_messages import PayOutcome, PayRequest
from tests.backoffice.harness import in_transaction
from tests.backoffice.test_member_pay import pay
from tests.backoffice.test_offline_batch import record


def test_ping_records_last_seen_version_backlog_and_diag(backoffice, client):
    before = time.time()
    answer = client.ping({"version": "0.1.0",
                          "offline_backlog": {"count": 3, "amount": "45.60",
                                              "oldest_created_at": before - 600},
                          "diag": {"overall": "warn", "warned": ["printer"], "failed": []}})
    assert abs(answer.host_time_epoch_s - time.time()) < 5
    info = in_transaction(backoffice.engine, lambda conn, now: require_terminal(conn, "T0001"))
    assert info.last_seen_at >= before - 1
    assert (info.app_version, info.backlog_count, info.backlog_fen) == ("0.1.0", 3, 4560)
    assert info.diag_summary == {"overall": "warn", "warned": ["printer"], "failed": []}
    client.ping()                              # a plain ping keeps the last report
    info = in_transaction(backoffice.engine, lambda conn, now: require_terminal(conn, "T0001"))
    assert info.backlog_count == 3


@pytest.mark.parametrize("report, field", [
    ({"offline_backlog": {"count": -1}}, "offline_backlog.count"),
    ({"offline_backlog": {"count": 1, "amount": "abc"}}, "amount"),
    ({"diag": {"log": "x" * 300}}, "diag"),
    ({"diag": "fine"}, "diag"),
])
def test_ping_refuses_malformed_reports(client, report, field):
    with pytest.raises(HostRejected) as refused:
        client.ping(report)
    assert refused.value.code == "40002" and field in refused.value.sub_msg


def test_daily_bill_lists_online_offline_and_declined(backoffice, client, raw, terminal):
    pay(client, "T0001L1", 1000)
    pay(client, "T0001L2", 900, member="M002")               # declined
    client.upload_offline_batch([record("T0001L3", 200),
                                 record("T0001L4", 50, tender=OfflineTender.CASH)])
    client.refund("T0001L1", 100, "T0001L1-r")
    statement = client.daily_statement(today(time.time()))
    lines = statement.by_trade_no()
    assert set(lines) == {"T0001L1", "T0001L2", "T0001L3", "T0001L4"}
    assert (lines["T0001L1"].amount_fen, lines["T0001L1"].refunded_fen,
            lines["T0001L1"].net_fen) == (1000, 100, 900)
    assert lines["T0001L2"].state == "TRADE_CLOSED" and lines["T0001L2"].net_fen == 0
    assert lines["T0001L3"].offline and lines["T0001L4"].tender == "cash"
    assert statement.net_total_fen == 900 + 200 + 50
    wire = raw.call("payterm.bill.daily", {"terminal_id": "T0001", "bill_date": "2020-01-01"},
                    terminal.private_key)
    assert (wire["code"], wire["bill_date"], wire["terminal_id"], wire["trades"]) == \
        ("10000", "2020-01-01", "T0001", [])
    bad = raw.call("payterm.bill.daily", {"terminal_id": "T0001", "bill_date": "2020-13-01"},
                   terminal.private_key)
    assert (bad["code"], bad["bill_date"]) == ("40002", "2020-13-01")
    assert isinstance(date.fromisoformat(wire["bill_date"]), date)


@pytest.mark.parametrize("code, wallet", [("280000000000000100", "Alipay"),
                                          ("134567890123456789", "WeChat Pay"),
                                          ("6212345678901234567", "UnionPay")])
def test_wallet_codes_get_a_clear_refusal(client, raw, terminal, code, wallet):
    answer = client.pay(PayRequest(out_trade_no="T0001WL1", auth_code=code, total_fen=100,
                                   subject="s", terminal_id="T0001"))
    assert (answer.outcome, answer.sub_code) == (PayOutcome.DECLINED,
                                                 "PAYTERM.WALLET_NOT_CONFIGURED")
    assert wallet in answer.sub_msg
    wire = raw.call("alipay.trade.pay", {"out_trade_no": "T0001WL2", "auth_code": code,
                                         "total_amount": "1.00", "scene": "bar_code",
                                         "terminal_id": "T0001"}, terminal.private_key)
    assert (wire["code"], wire["out_trade_no"], wire["terminal_id"]) == \
        ("40004", "T0001WL2", "T0001")
    assert client.query("T0001WL1").status.value == "NOT_EXIST"     # nothing stored


def test_not_a_payment_code_and_bad_wallet_fields(raw, terminal):
    junk = raw.call("alipay.trade.pay", {"out_trade_no": "T0001WJ", "auth_code": "12",
                                         "total_amount": "1.00", "terminal_id": "T0001"},
                    terminal.private_key)
    assert junk["sub_code"] == "ACQ.PAYMENT_AUTH_CODE_INVALID"
    bad = raw.call("alipay.trade.pay", {"out_trade_no": "T0001WJ", "auth_code":
                                        "280000000000000100", "total_amount": "1.001",
                                        "terminal_id": "T0001"}, terminal.private_key)
    assert bad["code"] == "40002" and "total_amount" in bad["sub_msg"]
