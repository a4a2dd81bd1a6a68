"""A host that trickles its answer or floods the terminal with one: every call ends by
its deadline, no answer is read past the size limit, and the payment is resolved by
query instead of hanging or being guessed."""

from __future__ import annotations

import os
import time
import tracemalloc

import pytest

from drivers.host.wire import METHOD_PAY, METHOD_PING
from terminal.errors import OutcomeUnknown
from tests.hostile.conftest import Terminal, charged_fen, terminal_settings
from tests.hostile.hostile_proxy import Flood, Trickle

DEADLINE_S = 2.0
#: The flood of the issue: 400 MB (FLOOD_MB lets a check against old code use less).
FLOOD_BYTES = int(os.environ.get("PAYTERM_TEST_FLOOD_MB", "400")) * 1024 * 1024
LIMIT_BYTES = 256 * 1024


def on(method, attack):
    return lambda exchange: attack(exchange) if exchange.method == method else None


@pytest.fixture
def strict(proxy, keys_dir, tmp_path):
    """A terminal with a short overall deadline and a small answer limit."""
    settings = terminal_settings(proxy.url, read_timeout_s=5.0, call_deadline_s=DEADLINE_S,
                                 max_answer_bytes=LIMIT_BYTES)
    opened = Terminal(settings, keys_dir, tmp_path / "payterm.db")
    yield opened
    opened.close()


def test_trickled_pay_answer_ends_at_the_deadline_and_is_resolved(strict, proxy, sim):
    # A genuine approval, one byte every 0.2 s: about 80 s for the whole answer, and no
    # single read ever waits long enough for the read timeout.
    proxy.attack = on(METHOD_PAY, lambda ex: Trickle(ex.forward(), 0.2))
    updates = []
    started = time.monotonic()
    result = strict.pay(10_000, on_update=updates.append)
    first_answer_s = next(
        (e["at"] for e in strict.journal.history(result.attempt.out_trade_no)
         if e["event"] == "pay_outcome_unknown"), None)
    assert first_answer_s is not None, "the trickled answer was waited out"
    # Generous bound (a loaded CI box): far below the 80 s the trickle would take.
    assert first_answer_s - result.attempt.created_at < 20
    assert time.monotonic() - started < 40
    assert result.approved and strict.approving_event(result.attempt.out_trade_no) == \
        "query_answered"
    assert charged_fen(sim, result.attempt.out_trade_no) == 10_000


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_flooded_answer_is_refused_without_reading_it_all(strict, proxy, declare_length):
    proxy.attack = on(METHOD_PING, lambda ex: Flood(FLOOD_BYTES, declare_length))
    tracemalloc.start()
    try:
        with pytest.raises(OutcomeUnknown):
            strict.client.ping()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The terminal hung up long before the end: socket buffers plus the limit at most.
    assert proxy.stats.bytes_sent < 64 * 1024 * 1024
    assert peak < 32 * 1024 * 1024


def test_flooded_pay_answer_is_an_unknown_outcome_resolved_by_query(strict, proxy, sim):
    def flood_after_booking(exchange):
        exchange.forward()
        return Flood(FLOOD_BYTES)
    proxy.attack = on(METHOD_PAY, flood_after_booking)
    result = strict.pay(7_700)
    no = result.attempt.out_trade_no
    assert proxy.stats.bytes_sent < 64 * 1024 * 1024       # refused, not read to the end
    assert result.approved and strict.approving_event(no) == "query_answered"
    assert charged_fen(sim, no) == 7_700
