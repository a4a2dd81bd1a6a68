"""Forwarding the outbox to the simulator over loopback, with injected faults."""

from __future__ import annotations

import time

import pytest

from drivers.host.simulator.faults import Fault
from offline_queue.outbox import OutboxError
from offline_queue.outbox_view import list_entries, queue_status
from offline_queue.sync_worker import SyncWorker, sync_pass
from terminal.attempt import Tender
from terminal.clock import SystemClock
from terminal.connectivity import ConnectivityMonitor
from terminal.refund import Refunds, RefundError
from tests.contract.offline.conftest import TERMINAL_ID, make_client


def enqueue(store, clock, n: int, *, tender=Tender.CASH, member: str = "", amount: int = 100):
    numbers = []
    for _ in range(n):
        attempt = store.outbox.enqueue(terminal_id=TERMINAL_ID, tender=tender, amount_fen=amount,
                                       subject="t", now=clock.now(), member_id=member,
                                       member_ref=member[:1], evidence={"score": 0.8}
                                       if member else None)
        numbers.append(attempt.out_trade_no)
        clock.advance(0.001)
    return numbers


def host_trades(sim) -> dict[str, dict]:
    return {t["out_trade_no"]: t for t in sim.ledger.trades()}


def drain(store, client, clock, settings, rounds: int = 10):
    for _ in range(rounds):
        sync_pass(store.sync, client, clock, settings.offline)
        if not queue_status(store.journal.db).pending_count:
            return
        clock.advance(settings.offline.sync_backoff_max_s + 1)


def test_records_are_booked_once_in_creation_order_and_become_refundable(
        store, sim, client, clock, settings):
    cash = enqueue(store, clock, 70)
    member = enqueue(store, clock, 30, tender=Tender.MEMBER, member="M001", amount=250)
    result = sync_pass(store.sync, client, clock, settings.offline)
    assert (result.sent, result.booked, result.batches) == (100, 100, 2)
    trades = host_trades(sim)
    assert set(trades) == set(cash + member)
    assert all(t["offline"] for t in trades.values())
    assert trades[member[0]]["member_id"] == "M001"
    assert trades[member[0]]["evidence"] == {"score": 0.8}
    assert next(m for m in sim.ledger.members() if m["member_id"] == "M001")["balance_fen"] \
        == 100_000 - 30 * 250
    assert set(store.states().values()) == {"synced"}
    attempt = store.journal.get(member[0])
    assert not attempt.offline and attempt.host_trade_no == trades[member[0]]["trade_no"]
    refund = Refunds(client, store.journal, clock).refund(member[0], 100)
    assert refund.accepted
    # Creation order: the host booked them in the order the terminal made them.
    ordered = [t["out_trade_no"] for t in sorted(trades.values(), key=lambda t: t["updated_at"])]
    assert ordered == sorted(ordered, key=lambda no: (cash + member).index(no))


def test_host_down_charges_no_attempt_and_keeps_records_voidable(store, sim, client, clock,
                                                                 settings):
    numbers = enqueue(store, clock, 3)
    sim.take_down()
    monitor = ConnectivityMonitor(settings.offline, clock)
    result = sync_pass(store.sync, client, clock, settings.offline, monitor=monitor)
    assert result.unreachable and result.booked == 0
    assert not monitor.online
    rows = list_entries(store.journal.db)
    assert [(r["attempts"], r["may_be_at_host"]) for r in rows] == [(0, False)] * 3
    store.outbox.void(numbers[0], clock.now(), "customer left")
    with pytest.raises(RefundError):   # an unsynced sale cannot be refunded
        Refunds(client, store.journal, clock).refund(numbers[1], 100)
    sim.bring_up()
    assert monitor.probe(client, force=True)
    sync_pass(store.sync, client, clock, settings.offline, monitor=monitor)
    assert set(host_trades(sim)) == set(numbers[1:])
    assert store.states()[numbers[0]] == "voided"


@pytest.mark.parametrize("fault", [
    Fault("http_500", commit=True, count=1),
    Fault("drop", commit=True, count=1),
    Fault("garbage", commit=True, count=1),
    Fault("slow", commit=True, count=1, delay_s=1.0),      # past the 0.5 s read timeout
    Fault("http_500", commit=False, count=1),
], ids=["500-after-commit", "drop-after-commit", "garbage", "timeout-after-commit", "500"])
def test_unknown_outcomes_are_resent_and_booked_exactly_once(store, sim, client, clock,
                                                              settings, fault):
    numbers = enqueue(store, clock, 5)
    sim.set_fault(fault)
    first = sync_pass(store.sync, client, clock, settings.offline)
    assert first.booked == 0 and first.deferred == 5 and first.error
    rows = list_entries(store.journal.db)
    assert all(r["attempts"] == 1 and r["may_be_at_host"] for r in rows)
    with pytest.raises(OutboxError):     # it may be at the host: no voiding any more
        store.outbox.void(numbers[0], clock.now())
    drain(store, client, clock, settings)
    assert set(store.states().values()) == {"synced"}
    assert sorted(host_trades(sim)) == sorted(numbers)
    assert len(sim.ledger.charges()) == 5


def test_slow_answers_within_the_timeout_are_fine(store, sim, client, clock, settings):
    enqueue(store, clock, 4)
    sim.set_fault(Fault("slow", commit=True, count=1, delay_s=0.2))
    assert sync_pass(store.sync, client, clock, settings.offline).booked == 4


def test_late_decline_goes_to_the_exception_list(store, sim, client, clock, settings):
    ok = enqueue(store, clock, 1, tender=Tender.MEMBER, member="M001", amount=300)
    poor = enqueue(store, clock, 1, tender=Tender.MEMBER, member="M002", amount=900)
    ghost = enqueue(store, clock, 1, tender=Tender.MEMBER, member="NOBODY", amount=100)
    result = sync_pass(store.sync, client, clock, settings.offline)
    assert (result.booked, result.declined) == (1, 2)
    declined = {e["out_trade_no"]: e for e in list_entries(store.journal.db,
                                                           states=("declined",))}
    assert set(declined) == set(poor + ghost)
    assert declined[poor[0]]["reason_code"] == "ACQ.BUYER_BALANCE_NOT_ENOUGH"
    assert declined[ghost[0]]["reason_code"] == "PAYTERM.MEMBER_NOT_FOUND"
    attempt = store.journal.get(poor[0])
    assert attempt.needs_attention and attempt.offline
    assert store.states()[ok[0]] == "synced"


def test_a_record_that_keeps_failing_becomes_a_visible_dead_letter_and_blocks_nothing(
        store, sim, client, clock, settings):
    sim.app.faults.set_busy_members(["M002"])
    stuck = enqueue(store, clock, 1, tender=Tender.MEMBER, member="M002", amount=100)
    others = enqueue(store, clock, 5)
    drain(store, client, clock, settings, rounds=5)
    assert all(store.states()[no] == "synced" for no in others)
    dead = list_entries(store.journal.db, states=("dead",))
    assert [d["out_trade_no"] for d in dead] == stuck
    assert dead[0]["attempts"] == settings.offline.sync_max_attempts
    assert "PAYTERM.MEMBER_BUSY" in dead[0]["dead_reason"]
    status = queue_status(store.journal.db)
    assert (status.pending_count, status.dead_count) == (0, 1)
    sim.app.faults.set_busy_members([])
    store.outbox.retry(stuck[0], clock.now())
    sync_pass(store.sync, client, clock, settings.offline)
    assert store.states()[stuck[0]] == "synced"
    assert queue_status(store.journal.db).dead_count == 0


def test_sync_worker_thread_drains_and_stops(store, sim, keys_dir, settings, clock):
    numbers = enqueue(store, clock, 20)
    seen = []
    with make_client(sim.url, keys_dir) as client:
        worker = SyncWorker(store.path, store.sealer, client, settings.offline, SystemClock(),
                            monitor=ConnectivityMonitor(settings.offline, SystemClock()),
                            health=client, on_pass=seen.append)
        worker.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(host_trades(sim)) < 20:
            worker.wake()
            time.sleep(0.02)
        assert worker.stop(5.0)
    assert sorted(host_trades(sim)) == sorted(numbers)
    assert sum(p.booked for p in seen) == 20
