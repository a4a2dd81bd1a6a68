"""The progress-event hub behind ``GET /terminal-api/events``: a slow POS display never
holds a payment up; it loses its oldest events and is told how many."""

from __future__ import annotations

import threading

from ui.terminal_api.events import MAX_QUEUED, EventHub


def publish(hub: EventHub, count: int, sale_id: str = "LANE1") -> None:
    for i in range(count):
        hub.publish(sale_id, "SVC1", "T-1", "ConfirmingResult", f"step {i}")


def test_a_display_that_does_not_read_loses_the_oldest_and_is_told_how_many():
    hub = EventHub()
    slow = hub.subscribe()
    publish(hub, MAX_QUEUED + 30)               # never blocks although nobody reads
    first = slow.next(0.1)
    assert first["Message"] == "step 30" and first["Dropped"] == 30
    rest = [slow.next(0.1) for _ in range(MAX_QUEUED - 1)]
    assert [e["Message"] for e in rest] == [f"step {i}" for i in range(31, MAX_QUEUED + 30)]
    assert all("Dropped" not in e for e in rest)
    assert slow.next(0.05) is None


def test_a_display_sees_only_its_sale_and_leaves_when_closed():
    hub = EventHub()
    lane1, lane2, every = hub.subscribe("LANE1"), hub.subscribe("LANE2"), hub.subscribe()
    publish(hub, 1, "LANE1")
    assert lane1.next(0.1)["SaleID"] == "LANE1"
    assert lane2.next(0.05) is None
    assert every.next(0.1)["SaleID"] == "LANE1"
    for sub in (lane1, lane2, every):
        sub.close()
    assert hub.subscriber_count() == 0


def test_a_failing_screen_listener_does_not_stop_the_event():
    hub = EventHub()
    got = []

    def broken(event):
        raise RuntimeError("screen gone")

    hub.add_listener(broken)
    hub.add_listener(got.append)
    sub = hub.subscribe()
    event = hub.publish("LANE1", "SVC1", "T-1", "Finished", State="approved")
    assert got == [event] and sub.next(0.1) == event


def test_event_ids_are_unique_across_threads():
    hub = EventHub()
    sub = hub.subscribe()
    threads = [threading.Thread(target=publish, args=(hub, 20)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [sub.next(0.1)["EventID"] for _ in range(80)]
    assert len(set(ids)) == 80


def test_closing_the_hub_ends_every_stream_at_once_and_later_ones_too():
    hub = EventHub()
    sub = hub.subscribe()
    waiting: list = []
    reader = threading.Thread(target=lambda: waiting.append(sub.next(30)))
    reader.start()
    hub.close()
    reader.join(5)
    assert not reader.is_alive() and waiting == [None] and sub.ended
    late = hub.subscribe()
    assert late.ended and late.next(30) is None and hub.subscriber_count() == 0
    hub.publish("LANE1", "SVC1", "T-1", "Finished")     # nobody left: no error
