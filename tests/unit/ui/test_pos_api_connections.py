"""The Terminal API's per-thread journal and store connections: threads come and go (the
HTTP server's idle workers end), their connections must not pile up."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from ui.terminal_api.deps import ApiDeps, PerThread


def per_thread(tmp_path, opened: list) -> PerThread:
    def connect():
        conn = sqlite3.connect(tmp_path / "t.db")
        opened.append(conn)
        return conn
    deps = ApiDeps(settings=None, poi_id="T1", open_journal=connect, open_store=connect,
                   wallet_payment=None, refunds=None, receipt_lines=None, close_day=None,
                   diagnosis=None)
    return PerThread(deps)


def in_a_thread(fn) -> None:
    thread = threading.Thread(target=fn)
    thread.start()
    thread.join(10)


def test_one_pair_per_thread_reused_on_that_thread(tmp_path):
    opened: list = []
    res = per_thread(tmp_path, opened)
    assert res.journal() is res.journal() and res.store() is res.store()
    assert len(opened) == 2 and res.open_count() == 2


def test_connections_of_ended_threads_are_dropped_when_another_thread_opens(tmp_path):
    opened: list = []
    res = per_thread(tmp_path, opened)
    for _ in range(20):
        in_a_thread(lambda: (res.journal(), res.store()))
    assert len(opened) == 40
    assert res.open_count() <= 2           # only the last thread's, until someone opens
    res.store()
    assert res.open_count() == 1


def test_a_thread_closes_its_own_and_then_opens_fresh_ones(tmp_path):
    opened: list = []
    res = per_thread(tmp_path, opened)
    first = res.store()
    res.close_current_thread()
    assert res.open_count() == 0
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        first.execute("SELECT 1")
    assert res.store() is not first
