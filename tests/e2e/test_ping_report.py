"""The terminal's pings carry its version, offline backlog and last diag summary, and the
back office keeps them on the terminal's row (issue 14, point 4: what ``terminal list``
and the manager's page show about the fleet). Real journal on SQLite, real HostClient,
the back office over loopback HTTP."""

from __future__ import annotations

import json
import os
import time

import pytest

from backoffice.registry.terminals import find_terminal
from terminal.attempt import Tender
from terminal.settings.model import Settings
from tests.backoffice.harness import in_transaction
from tests.contract.offline.conftest import Store
from tests.fakes.status_runtime import StatusRuntime
from ui.services.ping_report import (DIAG_SUMMARY_FILE, ReportingPing, diag_summary,
                                     load_diag_summary, ping_report, save_diag_summary,
                                     terminal_version)


def row(backoffice, terminal_id="T0001"):
    return in_transaction(backoffice.engine, lambda conn, now: find_terminal(conn, terminal_id))


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "terminal" / "payterm.db", Settings())
    yield opened
    opened.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_pings_report_version_backlog_and_last_diag(backoffice, client, store, tmp_path):
    data = store.path.parent
    now = time.time()
    for amount in (1234, 500):
        store.outbox.enqueue(terminal_id="T0001", tender=Tender.CASH, amount_fen=amount,
                             subject="offline", now=now)
    assert save_diag_summary(data, diag_summary(
        "fail", {"printer": "fail", "camera": "warn", "host": "pass", "scanner": "skip"}, now))
    assert os.stat(data / DIAG_SUMMARY_FILE).st_mode & 0o777 == 0o600

    ReportingPing(client, lambda: ping_report(store.journal.db, data)).ping()
    seen = row(backoffice)
    assert seen.last_seen_at is not None and seen.app_version == terminal_version()
    assert (seen.backlog_count, seen.backlog_fen) == (2, 1734)
    assert seen.backlog_oldest_at == pytest.approx(now, abs=0.01)
    assert seen.diag_summary == {"overall": "fail", "failed": ["printer"],
                                 "warned": ["camera"], "checks": 4,
                                 "checked_at": round(now, 3)}

    # Forwarded: the backlog the next ping reports is empty.
    store.journal.db.execute("UPDATE outbox SET state = 'synced'")
    ReportingPing(client, lambda: ping_report(store.journal.db, data)).ping()
    assert (row(backoffice).backlog_count, row(backoffice).backlog_fen) == (0, 0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_report_that_cannot_be_made_never_fails_the_ping(backoffice, client, store):
    def broken():
        raise OSError("journal busy")
    answer = ReportingPing(client, broken).ping()
    assert answer.round_trip_s >= 0 and row(backoffice).last_seen_at is not None
    assert row(backoffice).backlog_count is None          # nothing half-reported


@pytest.mark.parametrize("text", ['{"overall": "maybe"}', "[1, 2]", "not json",
                                  json.dumps({"overall": "pass", "x": "y" * 5000})])
def test_a_damaged_summary_is_left_out(tmp_path, text):
    (tmp_path / DIAG_SUMMARY_FILE).write_text(text)
    assert load_diag_summary(tmp_path) is None


def test_no_summary_yet_means_no_diag_field(store):
    report = ping_report(store.journal.db, store.path.parent)
    assert "diag" not in report and report["offline_backlog"] == {
        "count": 0, "amount": "0.00", "oldest_created_at": None}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_kiosks_status_refresh_is_the_heartbeat_that_carries_the_report(
        backoffice, client, store):
    from ui.services.records_service import StatusService
    store.outbox.enqueue(terminal_id="T0001", tender=Tender.CASH, amount_fen=300,
                         subject="offline", now=time.time())
    runtime = StatusRuntime(store.journal, client, store.path.parent)
    StatusService(runtime)._refresh()          # what its worker thread runs every few s
    assert runtime.statuses and runtime.statuses[-1].host_online
    assert (row(backoffice).backlog_count, row(backoffice).backlog_fen) == (1, 300)
