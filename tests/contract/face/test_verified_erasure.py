"""``payterm face delete`` erases verifiably (issue 11, point 6): on main it printed
"erased" while the ciphertexts were still in the database file because another reader
held a snapshot. The raw bytes of the store, its WAL and the backups are read here to
prove the template bytes are gone; while a copy remains the command says PENDING
(exit 5) and ``--finish`` completes it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np

from offline_queue.face_store import open_face_store
from terminal.ports.face import ConsentRecord

REPO = Path(__file__).resolve().parents[3]


def payterm(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_BACKUP_DIR"] = str(data.parent / "var-backups")
    return subprocess.run([sys.executable, "-m", "ui.cli.main", "--data-dir", str(data),
                           "face", *args], capture_output=True, text=True, env=env,
                          timeout=90, cwd=REPO)


def template(seed: int) -> bytes:
    return np.random.default_rng(seed).standard_normal(512).astype("<f4").tobytes()


def enrol(data: Path, member: str, seeds: list[int]) -> list[bytes]:
    """Enrol through the real store; returns the stored ciphertexts."""
    store = open_face_store(data / "payterm.db", data / "keys" / "face.key")
    store.enrol(member, "13800001234", [template(s) for s in seeds], "v1",
                ConsentRecord(member, 1_700_000_000.0, "consent", "2025-1", "test"))
    blobs = [r[0] for r in store._db.execute(
        "SELECT vector_enc FROM face_templates WHERE member_id = ?", [member])]
    store.close()
    return blobs


def raw_files(data: Path) -> list[Path]:
    return [p for p in data.parent.rglob("*") if p.is_file() and ".db" in p.name]


def pieces_found(files: list[Path], blobs: list[bytes]) -> list[str]:
    """Files holding any 48-byte piece of any ciphertext (ciphertexts span pages)."""
    found = []
    for path in files:
        raw = path.read_bytes()
        for blob in blobs:
            if any(blob[i:i + 48] in raw for i in range(0, len(blob) - 48, 48)):
                found.append(str(path))
                break
    return found


def backup(data: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(data / "payterm.db")
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.close()
    source.close()


def test_erasure_waits_for_a_reader_then_is_verified_on_the_raw_files(tmp_path):
    data = tmp_path / "data"
    gone = enrol(data, "M200", [1, 2, 3])
    kept = enrol(data, "M201", [4])
    backup(data, tmp_path / "var-backups" / "20261201-from-1.0" / "payterm.db")
    backup(data, data / "backups" / "before-upgrade.db")
    assert pieces_found(raw_files(data), gone)              # the copies are really there

    reader = sqlite3.connect(data / "payterm.db")          # the kiosk, mid-read
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM face_templates").fetchone()
    held = payterm(data, "delete", "--member", "M200", "--json")
    assert held.returncode == 5, held.stdout + held.stderr
    report = json.loads(held.stdout)["erasures"][0]
    assert report["state"] == "pending" and report["templates_erased"] == 3
    assert str(data / "payterm.db") in report["remaining"]
    assert pieces_found([data / "payterm.db"], gone)       # why it is pending
    shown = payterm(data, "delete", "--finish")
    assert shown.returncode == 5 and "PENDING" in shown.stdout

    reader.rollback()
    reader.close()
    finished = payterm(data, "delete", "--finish")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "ERASED: M200" in finished.stdout
    assert pieces_found(raw_files(data), gone) == []        # store, WAL and both backups
    assert pieces_found([data / "payterm.db"], kept)       # the other member stays
    assert payterm(data, "delete", "--finish").stdout.startswith("没有待完成的删除")


def test_erasure_without_a_reader_is_verified_at_once(tmp_path):
    data = tmp_path / "data"
    gone = enrol(data, "M300", [7, 8])
    done = payterm(data, "delete", "--member", "M300")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERASED: M300" in done.stdout and "no copy left" in done.stdout
    assert pieces_found(raw_files(data), gone) == []
    again = payterm(data, "delete", "--member", "M300")
    assert again.returncode == 2 and "no face enrolment" in again.stderr
