"""Offline batches: exactly once per record; late declines on the store's exception
list; malformed, conflicting, oversized and busy cases."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from backoffice.settings import BackofficeSettings
from backoffice.storage.schema import batch_receipts, trades
from backoffice.trades.store_exceptions import list_exceptions
from terminal.host_batch_messages import BatchOutcome, OfflineRecord, OfflineTender
from tests.backoffice.harness import in_transaction
from tests.backoffice.test_member_pay import balance, pay


def record(number: str, fen: int, member: str = "M001", *, tender=OfflineTender.MEMBER,
           age_s: float = 60.0) -> OfflineRecord:
    return OfflineRecord(out_trade_no=number, tender=tender, amount_fen=fen,
                         created_at_epoch_s=time.time() - age_s, terminal_id="T0001",
                         member_id=member if tender is OfflineTender.MEMBER else "",
                         subject="离线 offline", evidence={"score": 0.8})


def trade_count(backoffice) -> int:
    return in_transaction(backoffice.engine, lambda conn, now: conn.execute(
        sa.select(sa.func.count()).select_from(trades)).scalar_one())


def test_batch_books_each_record_once(backoffice, client):
    batch = [record("T0001O1", 1000), record("T0001O2", 250, tender=OfflineTender.CASH),
             record("T0001O3", 600, member="M002")]
    results = client.upload_offline_batch(batch)
    assert [r.outcome for r in results] == [BatchOutcome.ACCEPTED, BatchOutcome.ACCEPTED,
                                            BatchOutcome.DECLINED]
    assert results[2].reason_code == "ACQ.BUYER_BALANCE_NOT_ENOUGH"
    assert balance(backoffice, "M001") == 9000 and balance(backoffice, "M002") == 500
    again = client.upload_offline_batch(batch)          # resent after a lost answer
    assert [r.outcome for r in again] == [BatchOutcome.DUPLICATE, BatchOutcome.DUPLICATE,
                                          BatchOutcome.DECLINED]
    assert [r.host_trade_no for r in again] == [r.host_trade_no for r in results]
    assert balance(backoffice, "M001") == 9000 and trade_count(backoffice) == 3
    exceptions = in_transaction(backoffice.engine,
                                lambda conn, now: list_exceptions(conn, store_id="S1"))
    assert [(e.out_trade_no, e.kind, e.reason_code, e.amount_fen) for e in exceptions] == \
        [("T0001O3", "late_decline", "ACQ.BUYER_BALANCE_NOT_ENOUGH", 600)]


def test_results_echo_number_and_amount(raw, terminal, backoffice):
    now = time.time()
    answer = raw.call("payterm.offline.batch_upload", {"terminal_id": "T0001", "records": [
        {"out_trade_no": "T0001W1", "tender": "cash", "total_amount": "3.5", "created_at": now},
        {"out_trade_no": "T0001W2", "tender": "member", "member_id": "M001",
         "total_amount": "12.345", "created_at": now},
        {"out_trade_no": "T0001W3", "tender": "card", "total_amount": "1.00", "created_at": now},
        {"out_trade_no": "T0001W4", "tender": "cash", "total_amount": "1.00",
         "created_at": "yesterday"},
        {"out_trade_no": "T0001W5", "tender": "cash", "total_amount": "1.00",
         "created_at": now, "terminal_id": "T0002"},
        {"tender": "cash", "total_amount": "1.00", "created_at": now},
    ]}, terminal.private_key)
    assert answer["code"] == "10000" and answer["terminal_id"] == "T0001"
    got = [(r["out_trade_no"], r["total_amount"], r["result"], r.get("sub_code", ""))
           for r in answer["results"]]
    assert got == [("T0001W1", "3.5", "accepted", ""),
                   ("T0001W2", "12.345", "declined", "PAYTERM.INVALID_RECORD"),
                   ("T0001W3", "1.00", "declined", "PAYTERM.INVALID_RECORD"),
                   ("T0001W4", "1.00", "declined", "PAYTERM.INVALID_RECORD"),
                   ("T0001W5", "1.00", "declined", "PAYTERM.INVALID_RECORD"),
                   ("", "1.00", "declined", "PAYTERM.INVALID_RECORD")]
    assert "total_amount" in answer["results"][1]["sub_msg"]
    assert balance(backoffice, "M001") == 10_000 and trade_count(backoffice) == 1


def test_same_number_other_content_and_online_collision(backoffice, client):
    client.upload_offline_batch([record("T0001K1", 100)])
    [clash] = client.upload_offline_batch([record("T0001K1", 200)])
    assert (clash.outcome, clash.reason_code) == (BatchOutcome.DECLINED,
                                                  "ACQ.CONTEXT_INCONSISTENT")
    pay(client, "T0001K2", 100)                         # an online trade with this number
    [online] = client.upload_offline_batch([record("T0001K2", 100)])
    assert online.reason_code == "ACQ.CONTEXT_INCONSISTENT"
    assert balance(backoffice, "M001") == 10_000 - 200


def test_records_within_one_batch_and_running_balance(backoffice, client):
    results = client.upload_offline_batch([record("T0001B1", 300, member="M002"),
                                           record("T0001B2", 300, member="M002"),
                                           record("T0001B3", 200, member="M002")])
    assert [r.outcome for r in results] == [BatchOutcome.ACCEPTED, BatchOutcome.DECLINED,
                                            BatchOutcome.ACCEPTED]
    assert balance(backoffice, "M002") == 0


def test_oversized_and_empty_batches_are_refused(backoffice, raw, terminal):
    now = time.time()
    records = [{"out_trade_no": f"T0001Z{i}", "tender": "cash", "total_amount": "1.00",
                "created_at": now} for i in range(501)]
    answer = raw.call("payterm.offline.batch_upload", {"terminal_id": "T0001",
                                                       "records": records}, terminal.private_key)
    assert (answer["code"], answer["sub_code"]) == ("40002", "isv.invalid-parameter")
    assert "500" in answer["sub_msg"]
    empty = raw.call("payterm.offline.batch_upload", {"terminal_id": "T0001", "records": []},
                     terminal.private_key)
    assert (empty["code"], empty["sub_code"]) == ("40002", "isv.missing-parameter")
    assert trade_count(backoffice) == 0


def test_old_and_future_records_are_invalid(backoffice, client):
    results = client.upload_offline_batch([record("T0001T1", 100, age_s=91 * 86_400),
                                           record("T0001T2", 100, age_s=-3600)])
    assert [r.reason_code for r in results] == ["PAYTERM.INVALID_RECORD"] * 2
    kinds = in_transaction(backoffice.engine, lambda conn, now: [
        e.kind for e in list_exceptions(conn)])
    assert kinds == ["invalid_record", "invalid_record"]


def test_batch_receipts_count_outcomes(backoffice, client):
    client.upload_offline_batch([record("T0001P1", 100), record("T0001P2", 99_999)])
    rows = in_transaction(backoffice.engine, lambda conn, now: conn.execute(
        sa.select(batch_receipts)).mappings().all())
    assert [(r["records"], r["accepted"], r["declined"]) for r in rows] == [(2, 1, 1)]


@pytest.fixture
def bo_settings() -> BackofficeSettings:
    return BackofficeSettings(lock_timeout_s=0.3)


def test_busy_member_answers_retryable(request, backoffice, client):
    if backoffice.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers hold the whole database: a member is never busy there")
    held = threading.Event()
    release = threading.Event()

    def hold_row() -> None:
        with backoffice.engine.connect() as conn, conn.begin():
            conn.execute(sa.text("SELECT 1 FROM members WHERE member_id = 'M002' FOR UPDATE"))
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_row)
    holder.start()
    assert held.wait(10)
    try:
        results = client.upload_offline_batch([record("T0001H1", 100),
                                               record("T0001H2", 100, member="M002")])
    finally:
        release.set()
        holder.join(10)
    assert [r.outcome for r in results] == [BatchOutcome.ACCEPTED, BatchOutcome.RETRYABLE]
    assert results[1].reason_code == "PAYTERM.MEMBER_BUSY"
    [later] = client.upload_offline_batch([record("T0001H2", 100, member="M002")])
    assert later.outcome is BatchOutcome.ACCEPTED
    assert balance(backoffice, "M002") == 400


def test_a_batch_cannot_book_for_an_unregistered_terminal(backoffice, raw, key_pool):
    answer = raw.call("payterm.offline.batch_upload", {"terminal_id": "T0404", "records": [
        {"out_trade_no": "X1", "tender": "cash", "total_amount": "1.00",
         "created_at": time.time()}]}, key_pool[3])
    assert (answer["code"], answer["sub_code"]) == ("40006", "PAYTERM.TERMINAL_UNKNOWN")
    assert trade_count(backoffice) == 0
