"""The durable print-job queue on a real SQLite file."""

from __future__ import annotations

import pytest

from offline_queue.print_jobs import (DONE, FAILED_WAITING, PRINTING, QUEUED, PrintJobStore,
                                      job_id_for)
from terminal.errors import QueueError
from terminal.receipt import Receipt, ReceiptKind


def receipt(no: str = "T126112300000001", kind: ReceiptKind = ReceiptKind.SALE) -> Receipt:
    return Receipt(merchant_name="店 Shop", terminal_id="T1", out_trade_no=no,
                   created_at="2026-11-23 09:00:00", total_fen=100, tender_label="现金 Cash",
                   kind=kind)


@pytest.fixture
def store(tmp_path):
    s = PrintJobStore.open(tmp_path / "payterm.db")
    yield s
    s.close()


def test_job_id_is_trade_number_and_kind():
    assert job_id_for(receipt()) == "T126112300000001:sale"
    assert job_id_for(receipt(kind=ReceiptKind.REFUND)) == "T126112300000001:refund"


def test_enqueue_twice_is_a_no_op(store):
    assert store.enqueue(receipt()) is True
    assert store.enqueue(receipt()) is False
    assert store.counts() == {QUEUED: 1}


def test_first_send_is_the_original_and_done_is_final(store):
    store.enqueue(receipt())
    job = store.next_pending()
    printed = store.start_printing(job.job_id)
    assert printed.reprint_count == 0
    store.mark_done(job.job_id)
    assert store.next_pending() is None
    assert store.enqueue(receipt()) is False            # a finished job is never re-sent
    with pytest.raises(QueueError):
        store.start_printing(job.job_id)


def test_cut_short_job_prints_again_in_full_marked_reprint(store):
    store.enqueue(receipt())
    job_id = store.next_pending().job_id
    store.start_printing(job_id)
    store.mark_failed(job_id, "缺纸 / paper out")
    waiting = store.get(job_id)
    assert waiting.state == FAILED_WAITING and "paper out" in waiting.last_error
    again = store.start_printing(store.next_pending().job_id)
    assert again.reprint_count == 1 and again.out_trade_no == "T126112300000001"
    store.mark_done(job_id)
    assert store.get(job_id).sends == 2


def test_interrupted_print_survives_a_restart(tmp_path):
    path = tmp_path / "payterm.db"
    first = PrintJobStore.open(path)
    first.enqueue(receipt())
    first.start_printing("T126112300000001:sale")
    first.db.conn.close()                              # the process dies mid-print
    second = PrintJobStore.open(path)
    assert second.get("T126112300000001:sale").state == PRINTING
    assert second.recover_interrupted() == ["T126112300000001:sale"]
    job = second.next_pending()
    assert job.state == FAILED_WAITING and "interrupted" in job.last_error
    assert second.start_printing(job.job_id).reprint_count == 1
    second.close()


def test_reprint_last_bumps_the_counter(store):
    for no in ("T1A", "T1B"):
        store.enqueue(receipt(no))
        store.start_printing(f"{no}:sale")
        store.mark_done(f"{no}:sale")
    job = store.request_reprint()
    assert job.job_id == "T1B:sale" and job.state == QUEUED
    assert store.start_printing("T1B:sale").reprint_count == 1
    store.mark_done("T1B:sale")
    store.request_reprint()
    assert store.start_printing("T1B:sale").reprint_count == 2


def test_reprint_last_with_nothing_printed_says_so(store):
    with pytest.raises(QueueError) as info:
        store.request_reprint()
    assert "No receipt printed yet" in info.value.user_message
    store.enqueue(receipt())
    with pytest.raises(QueueError):
        store.request_reprint("T126112300000001:sale")   # still queued: prints by itself


def test_mark_done_requires_printing(store):
    store.enqueue(receipt())
    with pytest.raises(QueueError):
        store.mark_done("T126112300000001:sale")


def test_oldest_job_first_and_receipt_round_trips(store):
    store.enqueue(receipt("T1A"))
    store.enqueue(receipt("T1B"))
    job = store.next_pending()
    assert job.job_id == "T1A:sale" and job.receipt == receipt("T1A")
    assert [j.job_id for j in store.jobs()] == ["T1B:sale", "T1A:sale"]
    assert DONE not in store.counts()
