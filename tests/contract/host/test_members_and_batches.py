"""Member accounts, offline batch upload, the daily statement and ping."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from drivers.host.simulator.faults import Fault
from drivers.host.wire import HOST_TZ
from terminal.errors import HostRejected, OutcomeUnknown
from terminal.host_batch_messages import (SUB_BALANCE_NOT_ENOUGH, SUB_MEMBER_NOT_FOUND,
                                          BatchOutcome, OfflineRecord, OfflineTender)
from terminal.host_messages import MemberPayRequest, PayOutcome, TradeStatus
from tests.contract.host.conftest import TERMINAL_ID, new_trade_no, pay_request

EVIDENCE = {"score": 0.81, "margin": 0.22, "liveness": "live", "template_version": 3}


def member_pay(member_id="M001", total_fen=1500, out_trade_no=None, evidence=EVIDENCE):
    return MemberPayRequest(out_trade_no=out_trade_no or new_trade_no(), member_id=member_id,
                            total_fen=total_fen, subject="食堂 canteen", terminal_id=TERMINAL_ID,
                            evidence=evidence)


def record(member_id="M001", amount_fen=300, tender=OfflineTender.MEMBER, out_trade_no=None):
    return OfflineRecord(out_trade_no=out_trade_no or new_trade_no(), tender=tender,
                         amount_fen=amount_fen, created_at_epoch_s=time.time(),
                         terminal_id=TERMINAL_ID,
                         member_id=member_id if tender is OfflineTender.MEMBER else "",
                         evidence=EVIDENCE if tender is OfflineTender.MEMBER else {})


def test_member_pay_debits_once_and_stores_evidence(client, sim):
    request = member_pay(total_fen=1500)
    assert client.member_pay(request).outcome is PayOutcome.APPROVED
    assert client.member_pay(request).outcome is PayOutcome.APPROVED      # idempotent
    assert client.member_balance("M001") == 10_000 - 1500
    trade = sim.ledger.trades()[0]
    assert trade["tender"] == "member" and trade["evidence"] == EVIDENCE
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS


def test_member_declines(client):
    poor = client.member_pay(member_pay(member_id="M002", total_fen=501))
    assert poor.outcome is PayOutcome.DECLINED and poor.sub_code == SUB_BALANCE_NOT_ENOUGH
    ghost = client.member_pay(member_pay(member_id="NOBODY"))
    assert ghost.outcome is PayOutcome.DECLINED and ghost.sub_code == SUB_MEMBER_NOT_FOUND
    assert client.member_balance("M002") == 500
    with pytest.raises(HostRejected) as caught:
        client.member_balance("NOBODY")
    assert caught.value.sub_code == SUB_MEMBER_NOT_FOUND


def test_evidence_with_an_image_is_refused(client, sim):
    with pytest.raises(HostRejected) as caught:
        client.member_pay(member_pay(evidence={"face_jpeg": "A" * 5000}))
    assert caught.value.sub_code == "PAYTERM.EVIDENCE_REJECTED"
    assert sim.ledger.trades() == []


def test_member_refund_gives_the_balance_back(client):
    request = member_pay(total_fen=2000)
    client.member_pay(request)
    assert client.refund(request.out_trade_no, 2000, "R1").accepted
    assert client.member_balance("M001") == 10_000


def test_batch_results_per_record(client, sim):
    cash = record(tender=OfflineTender.CASH, amount_fen=1000)
    ok = record("M001", 300)
    late_decline = record("M002", 600)          # more than M002's 500 fen
    unknown_member = record("NOBODY", 100)
    results = client.upload_offline_batch([cash, ok, late_decline, unknown_member])
    assert [r.outcome for r in results] == [BatchOutcome.ACCEPTED, BatchOutcome.ACCEPTED,
                                            BatchOutcome.DECLINED, BatchOutcome.DECLINED]
    assert results[2].reason_code == SUB_BALANCE_NOT_ENOUGH
    assert results[3].reason_code == SUB_MEMBER_NOT_FOUND
    assert client.member_balance("M001") == 9_700
    again = client.upload_offline_batch([cash, ok, late_decline])
    assert [r.outcome for r in again] == [BatchOutcome.DUPLICATE, BatchOutcome.DUPLICATE,
                                          BatchOutcome.DECLINED]
    assert all(r.booked for r in again[:2])
    assert client.member_balance("M001") == 9_700          # not debited twice
    assert sorted(c["amount_fen"] for c in sim.ledger.charges()) == [300, 1000]


def test_busy_member_is_retryable_then_accepted(client, sim):
    sim.app.faults.set_busy_members(["M001"])
    item = record("M001", 100)
    assert client.upload_offline_batch([item])[0].outcome is BatchOutcome.RETRYABLE
    sim.app.faults.set_busy_members([])
    assert client.upload_offline_batch([item])[0].outcome is BatchOutcome.ACCEPTED


def test_reused_trade_no_with_other_content_is_declined(client):
    item = record("M001", 100)
    client.upload_offline_batch([item])
    altered = record("M001", 200, out_trade_no=item.out_trade_no)
    result = client.upload_offline_batch([altered])[0]
    assert result.outcome is BatchOutcome.DECLINED and result.reason_code


@pytest.mark.parametrize("mode", ["drop", "garbage", "http_500"])
def test_batch_timeout_after_commit_then_resend_is_duplicate(client, sim, mode):
    sim.set_fault(Fault(mode, commit=True, count=1, methods=("payterm.offline.batch_upload",)))
    items = [record("M001", 100), record(tender=OfflineTender.CASH, amount_fen=50)]
    with pytest.raises(OutcomeUnknown):
        client.upload_offline_batch(items)
    results = client.upload_offline_batch(items)
    assert [r.outcome for r in results] == [BatchOutcome.DUPLICATE] * 2
    assert client.member_balance("M001") == 9_900


def test_batch_size_limits(client):
    with pytest.raises(ValueError):
        client.upload_offline_batch([])


def test_daily_statement_lists_every_trade_of_the_day(client):
    wallet = pay_request(total_fen=1234)
    client.pay(wallet)
    client.refund(wallet.out_trade_no, 234, "R1")
    member = member_pay(total_fen=700)
    client.member_pay(member)
    cash = record(tender=OfflineTender.CASH, amount_fen=900)
    client.upload_offline_batch([cash])
    today = datetime.now(HOST_TZ).date()
    statement = client.daily_statement(today)
    lines = statement.by_trade_no()
    assert set(lines) == {wallet.out_trade_no, member.out_trade_no, cash.out_trade_no}
    assert lines[wallet.out_trade_no].wallet == "alipay"
    assert lines[wallet.out_trade_no].refunded_fen == 234
    assert lines[cash.out_trade_no].offline and lines[cash.out_trade_no].tender == "cash"
    assert statement.net_total_fen == 1000 + 700 + 900
    assert client.daily_statement(date(2001, 1, 1)).lines == ()


def test_ping_returns_host_time(client):
    answer = client.ping()
    assert abs(answer.host_time_epoch_s - time.time()) < 5
    assert answer.round_trip_s >= 0
