"""The outbox on a real SQLite file: durable enqueue, encryption at rest, exposure, void,
full disk, corrupt store."""

from __future__ import annotations


import pytest

from offline_queue.journal import SqliteJournal
from offline_queue.outbox import Outbox, OutboxError
from offline_queue.outbox_sealing import OutboxSealer
from offline_queue.outbox_view import queue_status
from terminal.attempt import Tender
from terminal.errors import ConfigError, StorageFull, StoreCorrupt
from terminal.transaction import TxState

NOW = 1_790_000_000.0


@pytest.fixture
def opened(tmp_path):
    journal = SqliteJournal.open(tmp_path / "payterm.db", check_integrity=True)
    outbox = Outbox(journal, OutboxSealer.from_key_file(tmp_path / "keys" / "store.key"))
    yield journal, outbox
    journal.close()


def queue(outbox, amount=500, member="", now=NOW, tender=None):
    return outbox.enqueue(terminal_id="T0001", tender=tender or
                          (Tender.MEMBER if member else Tender.CASH), amount_fen=amount,
                          subject="s", now=now, member_id=member, member_ref="M*",
                          evidence={"score": 0.77, "template_version": 3} if member else None)


def test_enqueue_writes_attempt_and_row_together_and_survives_reopening(tmp_path, opened):
    journal, outbox = opened
    attempt = queue(outbox, member="MEMBER-4711")
    assert attempt.state is TxState.APPROVED and attempt.offline
    assert [e["event"] for e in journal.history(attempt.out_trade_no)] == \
        ["created", "taken_offline"]
    journal.close()
    again = SqliteJournal.open(tmp_path / "payterm.db", check_integrity=True)
    row = again.db.execute("SELECT * FROM outbox").fetchone()
    assert row["out_trade_no"] == attempt.out_trade_no and row["state"] == "pending"
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_member_ids_and_evidence_are_not_in_the_file_in_clear(tmp_path, opened):
    journal, outbox = opened
    queue(outbox, member="MEMBER-4711")
    journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (tmp_path / "payterm.db").read_bytes()
    assert b"MEMBER-4711" not in raw and b'"score": 0.77' not in raw
    key_file = tmp_path / "keys" / "store.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    row = journal.db.execute("SELECT member_id_enc, evidence_enc FROM outbox").fetchone()
    assert outbox.sealer.open_member(row[0]) == "MEMBER-4711"
    assert outbox.sealer.open_evidence(row[1])["score"] == 0.77


def test_a_loose_key_file_is_refused(tmp_path):
    key = tmp_path / "keys" / "store.key"
    OutboxSealer.from_key_file(key)
    key.chmod(0o644)
    with pytest.raises(ConfigError):
        OutboxSealer.from_key_file(key)


def test_exposure_counts_unsynced_and_the_members_day(opened):
    journal, outbox = opened
    queue(outbox, 400, member="A", now=NOW - 86_400)   # yesterday
    queue(outbox, 300, now=NOW)
    queue(outbox, 700, member="A", now=NOW + 1)
    queue(outbox, 200, member="A", now=NOW + 2)
    queue(outbox, 999, member="B", now=NOW + 3)
    outbox.save_balance("A", 5_000, NOW + 1.5)
    exposure = outbox.exposure(NOW + 10, "A")
    assert (exposure.unsynced_count, exposure.unsynced_fen) == (5, 2599)
    assert exposure.oldest_unsynced_at == NOW - 86_400
    assert exposure.member_today_fen == 900
    assert exposure.member_balance_fen == 5_000
    # unsynced records are not in the host's balance yet, whenever they were made
    assert exposure.member_spent_since_snapshot_fen == 1_300


def test_void_before_forwarding_and_never_after_it_may_be_at_the_host(opened):
    journal, outbox = opened
    first, second = queue(outbox), queue(outbox)
    voided = outbox.void(first.out_trade_no, NOW + 5, "customer changed mind")
    assert voided.state is TxState.REFUNDED and voided.sub_code == "PAYTERM.VOIDED_OFFLINE"
    assert queue_status(journal.db).pending_count == 1
    with pytest.raises(OutboxError):
        outbox.void(first.out_trade_no, NOW + 6)
    journal.db.execute("UPDATE outbox SET maybe_at_host = 1 WHERE out_trade_no = ?",
                       [second.out_trade_no])
    with pytest.raises(OutboxError):
        outbox.void(second.out_trade_no, NOW + 6)
    with pytest.raises(OutboxError):
        outbox.void("T000100000000000099", NOW)


def test_free_space_threshold_refuses_before_writing(tmp_path):
    journal = SqliteJournal.open(tmp_path / "payterm.db")
    outbox = Outbox(journal, OutboxSealer.from_key_file(tmp_path / "store.key"),
                    min_free_bytes=2**62)
    with pytest.raises(StorageFull) as caught:
        queue(outbox)
    assert "storage.min_free_disk_mb" in str(caught.value)
    assert "Storage full" in caught.value.user_message
    assert journal.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0
    journal.close()


def test_sqlite_full_refuses_and_corrupts_nothing(tmp_path, opened):
    journal, outbox = opened
    kept = [queue(outbox).out_trade_no for _ in range(3)]
    pages = journal.db.execute("PRAGMA page_count").fetchone()[0]
    journal.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageFull):
        for _ in range(500):
            queue(outbox, member="X" * 60)
    assert journal.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counts = journal.db.execute("SELECT (SELECT COUNT(*) FROM attempts), "
                                "(SELECT COUNT(*) FROM outbox)").fetchone()
    assert counts[0] == counts[1]            # never an attempt without its outbox row
    assert queue_status(journal.db).pending_count == counts[1]
    assert all(journal.get(no) is not None for no in kept)


def test_a_corrupt_store_stops_start_up_and_is_kept(tmp_path, opened):
    journal, outbox = opened
    for _ in range(50):
        queue(outbox, member="M")
    journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    journal.close()
    path = tmp_path / "payterm.db"
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 100, len(data), 997):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt) as caught:
        SqliteJournal.open(path, check_integrity=True)
    assert "left untouched" in str(caught.value)
    assert path.read_bytes() == bytes(data)
