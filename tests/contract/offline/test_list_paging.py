"""``journal list`` and ``queue list`` page exactly (issue 11, point 6): on main their
``--json`` silently stopped at 20 and 50 rows. Now ``--limit/--offset/--all`` and an
object that says how many there are and whether this page is cut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from terminal.attempt import Tender
from tests.contract.offline.conftest import Store

REPO = Path(__file__).resolve().parents[3]
ENVELOPE = {"items", "total", "offset", "limit", "truncated", "next_offset"}


def payterm(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_DATA_DIR"] = str(data)
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """57 cash records taken offline: 57 journal attempts and 57 queued records."""
    from terminal.settings.model import Settings
    folder = tmp_path_factory.mktemp("paging") / "terminal"
    store = Store(folder / "payterm.db", Settings())
    now = time.time()
    for i in range(57):
        store.outbox.enqueue(terminal_id="T0001", tender=Tender.CASH, amount_fen=100 + i,
                             subject="paging", now=now + i)
    store.close()
    return folder


def listed(data: Path, *args: str) -> dict:
    done = payterm(data, *args, "--json")
    assert done.returncode == 0, done.stderr
    page = json.loads(done.stdout)
    assert set(page) == ENVELOPE
    return page


@pytest.mark.parametrize("command, default", [(("journal", "list"), 20),
                                              (("queue", "list"), 50)])
def test_json_pages_say_how_many_there_are(data, command, default):
    first = listed(data, *command)
    assert (first["total"], first["offset"], first["limit"]) == (57, 0, default)
    assert len(first["items"]) == default and first["truncated"] is True
    assert first["next_offset"] == default
    rest = listed(data, *command, "--offset", str(default), "--limit", "100")
    assert len(rest["items"]) == 57 - default and rest["truncated"] is False
    assert rest["next_offset"] is None
    numbers = [i["out_trade_no"] for i in first["items"] + rest["items"]]
    everything = listed(data, *command, "--all")
    assert everything["limit"] is None and everything["truncated"] is False
    assert [i["out_trade_no"] for i in everything["items"]] == numbers
    assert len(set(numbers)) == 57


def test_pages_walk_the_whole_journal_without_gaps(data):
    seen, offset = [], 0
    while offset is not None:
        page = listed(data, "journal", "list", "--limit", "25", "--offset", str(offset))
        seen += [i["out_trade_no"] for i in page["items"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == 57


@pytest.mark.parametrize("command", [("journal", "list"), ("queue", "list")])
def test_human_output_says_when_it_is_cut(data, command):
    cut = payterm(data, *command, "--limit", "5")
    assert cut.returncode == 0, cut.stderr
    assert "showing 1-5 of 57" in cut.stdout and "--offset 5" in cut.stdout
    whole = payterm(data, *command, "--all")
    assert "showing" not in whole.stdout


@pytest.mark.parametrize("flag, value", [("--limit", "0"), ("--limit", "x"),
                                         ("--offset", "-1")])
def test_bad_paging_values_are_refused(data, flag, value):
    done = payterm(data, "journal", "list", flag, value)
    assert done.returncode == 2 and flag in done.stderr
