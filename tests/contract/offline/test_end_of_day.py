"""End of day against the simulator: refuse while unsynced, then Z-report + reconciliation."""

from __future__ import annotations

from offline_queue.end_of_day import close_day, today
from offline_queue.sync_worker import sync_pass
from terminal.attempt import Tender
from terminal.host_batch_messages import OfflineRecord, OfflineTender
from tests.contract.offline.test_sync_faults import enqueue


def test_eod_refuses_then_closes_and_flags_what_only_one_side_has(store, sim, client, clock,
                                                                    settings):
    cash = enqueue(store, clock, 3, amount=1000)
    member = enqueue(store, clock, 2, tender=Tender.MEMBER, member="M001", amount=500)
    poor = enqueue(store, clock, 1, tender=Tender.MEMBER, member="M002", amount=900)
    store.outbox.void(cash[2], clock.now(), "mistake")
    day = today(clock.now())
    refused = close_day(store.journal, client, day, clock.now())
    assert not refused.closed and refused.blockers["unsynced_count"] == 5
    assert {i["out_trade_no"] for i in refused.blockers["unsynced"]} == set(cash[:2] + member
                                                                             + poor)
    sync_pass(store.sync, client, clock, settings.offline)
    # A trade the host holds for this terminal that the terminal never made:
    client.upload_offline_batch([OfflineRecord("T0001X0000000001", OfflineTender.CASH, 777,
                                               clock.now(), "T0001")])
    unbalanced = close_day(store.journal, client, day, clock.now())
    # A line only on the host keeps the day open, and the refusal names it.
    assert not unbalanced.closed
    assert unbalanced.blockers["reconciliation"]["count"] == 1
    assert "T0001X0000000001" in unbalanced.blockers["reconciliation"]["message"]
    assert store.journal.db.execute("SELECT COUNT(*) FROM day_closes").fetchone()[0] == 0
    closed = unbalanced
    z = closed.z_report
    assert z["by_tender"]["cash"] == {"count": 2, "amount_fen": 2000}
    assert z["by_tender"]["member"] == {"count": 2, "amount_fen": 1000}
    assert z["offline"] == {"count": 4, "amount_fen": 3000}
    assert z["voided"] == {"count": 1, "amount_fen": 1000}
    assert [e["out_trade_no"] for e in z["exceptions"]] == poor
    rec = closed.reconciliation
    assert not rec["balanced"] and rec["matched"] == 4
    assert [(d["kind"], d["out_trade_no"]) for d in rec["discrepancies"]] == \
        [("only_host", "T0001X0000000001")]


def test_eod_closes_when_both_sides_agree(store, sim, client, clock, settings):
    cash = enqueue(store, clock, 2, amount=1000)
    sync_pass(store.sync, client, clock, settings.offline)
    day = today(clock.now())
    closed = close_day(store.journal, client, day, clock.now())
    assert closed.closed, closed.blockers
    assert closed.reconciliation["balanced"] and closed.reconciliation["matched"] == len(cash)
    stored = store.journal.db.execute("SELECT day FROM day_closes").fetchall()
    assert [r[0] for r in stored] == [day.isoformat()]
