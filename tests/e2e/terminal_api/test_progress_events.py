"""Progress events for POS displays: ``GET /terminal-api/events`` (server-sent events)
over the real HTTPS server while a POS-driven payment runs against the host simulator."""

from __future__ import annotations

import threading
import time

import httpx

from drivers.host.simulator.behaviours import Behaviour
from drivers.pos_api.client import pinned_context, result_of
from tests.e2e.terminal_api.conftest import new_code, pos_client


def collect(client, box: list, *, sale_only: bool = True, until: str = "Finished") -> None:
    """Read the stream into ``box`` until an ``until`` event (or the stream ends)."""
    try:
        for event in client.events(sale_only=sale_only):
            box.append(event)
            if event.get("Event") == until:
                return
    except Exception as exc:   # the test reads the box; a stream error shows there
        box.append({"error": repr(exc)})


def wait_for_subscribers(terminal, count: int) -> None:
    deadline = time.monotonic() + 10
    while terminal.engine.deps.events.subscriber_count() < count:
        assert time.monotonic() < deadline, "the event stream never subscribed"
        time.sleep(0.02)


def test_a_pos_display_sees_the_steps_of_its_payment_in_order(terminal, sim):
    display, till = pos_client(terminal, "LANE1"), pos_client(terminal, "LANE1")
    seen: list = []
    reader = threading.Thread(target=collect, args=(display, seen), daemon=True)
    reader.start()
    wait_for_subscribers(terminal, 1)
    answer = till.pay("EV-1", "8.80", code=new_code(Behaviour.PASSWORD_THEN_SUCCESS),
                      wait_s=30)
    reader.join(15)
    display.close()
    till.close()
    assert result_of(answer, "PaymentResponse") == "Success"
    names = [e.get("Event") for e in seen]
    assert names[0] == "SendingToHost" and names[-1] == "Finished", seen
    assert "WaitingForPassword" in names, names
    assert {e["TransactionID"] for e in seen} == {"EV-1"}
    assert {e["SaleID"] for e in seen} == {"LANE1"}
    assert all(e["AmountFen"] == 880 for e in seen)
    ids = [e["EventID"] for e in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert seen[-1]["State"] == "approved"
    assert "SendingToHost" in {e["Event"] for e in seen if e.get("out_trade_no")}
    assert not any("PaymentCode" in str(e) for e in seen)


def test_a_display_filtered_to_another_lane_sees_nothing_of_this_one(terminal, sim):
    other, everything, till = (pos_client(terminal, "LANE2"), pos_client(terminal, "LANE9"),
                               pos_client(terminal, "LANE1"))
    lane2: list = []
    all_lanes: list = []
    threading.Thread(target=collect, args=(other, lane2), daemon=True).start()
    reader = threading.Thread(target=collect, args=(everything, all_lanes),
                              kwargs={"sale_only": False}, daemon=True)
    reader.start()
    wait_for_subscribers(terminal, 2)
    answer = till.pay("EV-2", "1.00", code=new_code())
    reader.join(15)
    assert result_of(answer, "PaymentResponse") == "Success"
    assert [e["Event"] for e in all_lanes][-1] == "Finished"
    assert {e["SaleID"] for e in all_lanes} == {"LANE1"}
    assert lane2 == []
    for client in (other, everything, till):
        client.close()


def test_the_event_stream_needs_the_key(terminal):
    creds = terminal.credentials
    context = pinned_context(creds.url, creds.tls_sha256)
    with httpx.Client(verify=context, timeout=10) as http:
        refused = http.get(f"{creds.url}/events", headers={"Authorization": "Bearer wrong"})
        missing = http.get(f"{creds.url}/events")
    assert (refused.status_code, missing.status_code) == (401, 401)
    assert terminal.engine.deps.events.subscriber_count() == 0


def test_stopping_the_terminal_ends_a_connected_display_stream(terminal):
    display = pos_client(terminal, "LANE1")
    seen: list = []
    reader = threading.Thread(target=collect, args=(display, seen), daemon=True)
    reader.start()
    wait_for_subscribers(terminal, 1)
    stopping = threading.Thread(target=terminal.stop)   # what payterm serve does on SIGTERM
    stopping.start()
    reader.join(10)
    display.close()          # then the display's idle connection goes, the server ends
    stopping.join(30)
    assert not reader.is_alive(), "the display's stream outlived the terminal's API"
    assert not stopping.is_alive()
    assert all(e.get("Event") != "Finished" for e in seen)
