"""The data guard that preinst (upgrade) and postrm (purge) carry: a verified copy of the
database and keys before data can go, run for real on real journal files.

A full disk is made with RLIMIT_FSIZE in the child: writes past the limit fail with
EFBIG mid-file, as they fail with ENOSPC on a full disk (the install test fills a real
tmpfs in a Debian root as well).
"""

from __future__ import annotations

import importlib.util
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from offline_queue.journal import HELD_STATES, UNRESOLVED_STATES, SqliteJournal
from offline_queue.outbox import UNSYNCED_STATES
from terminal.attempt import Tender

GUARD = Path(__file__).resolve().parents[2] / "packaging" / "debian" / "data_guard.py"


def _guard_module():
    spec = importlib.util.spec_from_file_location("data_guard", GUARD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _store(data_dir: Path, unresolved: int, padding_kb: int = 0) -> None:
    journal = SqliteJournal.open(data_dir / "payterm.db")
    for _ in range(unresolved):
        journal.open_attempt(terminal_id="T0001", tender=Tender.WALLET, wallet="alipay",
                             code_masked="2800********1234", amount_fen=500, subject="t",
                             now=time.time())
    journal.close()
    if padding_kb:
        with sqlite3.connect(data_dir / "payterm.db") as conn:
            conn.execute("CREATE TABLE padding (blob BLOB)")
            conn.executemany("INSERT INTO padding VALUES (?)",
                             [(b"x" * 1024,) for _ in range(padding_kb)])
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700)
    (keys / "terminal_private.pem").write_text("private key")
    (keys / "store.key").write_bytes(b"k" * 32)


def _guard(*args: str, file_limit: int | None = None):
    def limit():
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
    return subprocess.run([sys.executable, str(GUARD), *args], capture_output=True,
                          text=True, timeout=60, preexec_fn=limit)


def test_the_guard_counts_the_states_the_terminal_counts():
    guard = _guard_module()
    assert set(guard.UNRESOLVED) == set(UNRESOLVED_STATES) | set(HELD_STATES)
    assert set(guard.UNSYNCED) == set(UNSYNCED_STATES)


def test_purge_copy_is_verified_and_holds_every_payment(data_dir, tmp_path):
    _store(data_dir, unresolved=3)
    settings = tmp_path / "payterm.toml"
    settings.write_text("[terminal]\n")
    out = _guard("purge", str(data_dir), str(tmp_path / "backups"), str(settings))
    assert out.returncode == 0, out.stderr
    assert "WARNING: purging a terminal with 3 unresolved payments" in out.stderr
    (copy,) = (tmp_path / "backups").iterdir()
    assert copy.name.startswith("purged-")
    db = sqlite3.connect(copy / "payterm.db")
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 3
    assert (copy / "keys" / "store.key").read_bytes() == b"k" * 32
    assert (copy / "payterm.toml").read_text() == "[terminal]\n"
    assert copy.stat().st_mode & 0o777 == 0o700


def test_purge_stops_when_the_backup_disk_is_full(data_dir, tmp_path):
    _store(data_dir, unresolved=2, padding_kb=160)
    size = (data_dir / "payterm.db").stat().st_size
    out = _guard("purge", str(data_dir), str(tmp_path / "backups"), file_limit=size // 2)
    assert out.returncode == 1
    assert "PURGE STOPPED, nothing deleted" in out.stderr
    assert "2 unresolved payments" in out.stderr
    assert list((tmp_path / "backups").iterdir()) == []     # no half copy left behind
    assert (data_dir / "payterm.db").stat().st_size == size
    assert (data_dir / "keys" / "store.key").exists()


def test_upgrade_refused_when_the_backup_disk_is_full(data_dir, tmp_path):
    _store(data_dir, unresolved=1, padding_kb=160)
    size = (data_dir / "payterm.db").stat().st_size
    out = _guard("upgrade", str(data_dir), str(tmp_path / "b"), "0.0.9", file_limit=size // 2)
    assert out.returncode == 1
    assert "REFUSING TO UPGRADE" in out.stderr


def test_an_unreadable_database_is_kept_byte_for_byte(data_dir, tmp_path):
    (data_dir / "payterm.db").write_bytes(b"not a database at all" * 100)
    out = _guard("purge", str(data_dir), str(tmp_path / "backups"))
    assert out.returncode == 0, out.stderr
    assert "a database that cannot be read" in out.stderr
    (copy,) = (tmp_path / "backups").iterdir()
    assert (copy / "payterm.db").read_bytes() == (data_dir / "payterm.db").read_bytes()


def test_purge_with_no_data_makes_no_backup(data_dir, tmp_path):
    assert _guard("purge", str(data_dir), str(tmp_path / "backups")).returncode == 0
    assert not (tmp_path / "backups").exists()


def test_upgrade_backups_are_pruned_to_the_newest_five(data_dir, tmp_path):
    _store(data_dir, unresolved=1)
    backups = tmp_path / "backups"
    backups.mkdir()
    for day in range(1, 8):
        (backups / f"2026010{day}-120000-from-0.0.{day}").mkdir()
    (backups / "purged-20260101-000000").mkdir()
    out = _guard("upgrade", str(data_dir), str(backups), "0.0.8")
    assert out.returncode == 0, out.stderr
    upgrades = sorted(p.name for p in backups.iterdir() if "-from-" in p.name)
    assert len(upgrades) == 5 and upgrades[-1].endswith("-from-0.0.8")
    assert upgrades[0].startswith("20260104")
    assert (backups / "purged-20260101-000000").is_dir()      # purge copies are never pruned


def test_guard_usage_is_explained():
    out = _guard("explode")
    assert out.returncode == 2 and "usage" in out.stderr
