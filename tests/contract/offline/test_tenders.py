"""Member and cash tenders against the simulator: online, and offline when it is down."""

from __future__ import annotations

import pytest

from offline_queue.outbox_view import queue_status
from terminal.cash_payment import CashPayment
from terminal.connectivity import ConnectivityMonitor
from terminal.member_payment import MemberPayment
from terminal.offline_taking import OfflineRefused
from terminal.transaction import TxState
from tests.contract.offline.conftest import make_client


def test_member_online_then_offline_when_the_host_goes_down(store, sim, client, clock,
                                                             settings, keys_dir):
    monitor = ConnectivityMonitor(settings.offline, clock)
    tender = MemberPayment(client, store.journal, store.outbox, settings, clock, monitor)
    online = tender.pay("M001", 1_000, evidence={"score": 0.8})
    assert online.approved and not online.attempt.offline
    assert store.outbox.exposure(clock.now(), "M001").member_balance_fen == 99_000
    sim.take_down()
    # A new client: the simulator's take_down leaves open keep-alive connections served.
    client.close()
    tender = MemberPayment(make_client(sim.url, keys_dir), store.journal, store.outbox,
                           settings, clock, monitor)
    offline = tender.pay("M001", 2_000, evidence={"score": 0.8})
    assert offline.approved and offline.attempt.offline and not monitor.online
    history = store.journal.recent(5)
    assert [a.state for a in history[:2]] == [TxState.APPROVED, TxState.DECLINED]  # not sent
    with pytest.raises(OfflineRefused) as refused:
        tender.pay("M001", settings.offline.per_payment_max_fen + 1)
    assert refused.value.decision.limit_key == "offline.per_payment_max_fen"
    cash = CashPayment(store.outbox, settings, clock, monitor).pay(500, tendered_fen=1000)
    assert cash.change_fen == 500 and cash.attempt.offline
    assert queue_status(store.journal.db).pending_count == 2


def test_member_declined_online_is_not_queued(store, sim, client, clock, settings):
    monitor = ConnectivityMonitor(settings.offline, clock)
    result = MemberPayment(client, store.journal, store.outbox, settings, clock,
                           monitor).pay("M002", 900)
    assert result.state is TxState.DECLINED and "余额不足" in result.message
    assert queue_status(store.journal.db).pending_count == 0
