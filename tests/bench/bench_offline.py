"""Offline queue benchmarks: durable enqueue latency, sync throughput to the loopback
simulator, ``queue status`` with 100,000 unsynced records and its memory.

Run: /tmp/venv/bin/python tests/bench/bench_offline.py  (writes results/offline.json)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from drivers.host.client import HostClient  # noqa: E402
from drivers.host.keys import (HOST_PRIVATE, HOST_PUBLIC, TERMINAL_PRIVATE,  # noqa: E402
                               TERMINAL_PUBLIC, generate_key_pair, load_private_key,
                               load_public_key)
from drivers.host.simulator.config import MemberSeed, SimulatorConfig  # noqa: E402
from drivers.host.simulator.runner import start_simulator  # noqa: E402
from offline_queue.journal import SqliteJournal  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from offline_queue.outbox_sealing import OutboxSealer  # noqa: E402
from offline_queue.outbox_sync import OutboxSync  # noqa: E402
from offline_queue.outbox_view import queue_status  # noqa: E402
from offline_queue.sync_worker import sync_pass  # noqa: E402
from terminal.attempt import Tender  # noqa: E402
from terminal.clock import SystemClock  # noqa: E402
from terminal.settings.host_section import HostSettings  # noqa: E402
from terminal.settings.offline_section import OfflineSettings  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "offline.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_store(folder: Path) -> tuple[SqliteJournal, Outbox]:
    journal = SqliteJournal.open(folder / "payterm.db", check_integrity=True)
    return journal, Outbox(journal, OutboxSealer.from_key_file(folder / "keys" / "store.key"))


def bench_enqueue(folder: Path, n: int = 1000) -> dict:
    journal, outbox = open_store(folder)
    times = []
    for i in range(n):
        member = i % 2 == 0
        started = time.perf_counter()
        outbox.enqueue(terminal_id="T0001", tender=Tender.MEMBER if member else Tender.CASH,
                       amount_fen=100 + i, subject="bench", now=time.time(),
                       member_id="M001" if member else "",
                       evidence={"score": 0.81, "liveness": 0.97} if member else None)
        times.append((time.perf_counter() - started) * 1000)
    journal.close()
    return {"n": n, "median_ms": round(statistics.median(times), 3),
            "p95_ms": round(percentile(times, 0.95), 3),
            "p99_ms": round(percentile(times, 0.99), 3), "target_median_ms": 3.0}


def bench_sync(folder: Path, n: int = 10_000, runs: int = 3) -> dict:
    keys = folder / "keys"
    generate_key_pair(keys / TERMINAL_PRIVATE, keys / TERMINAL_PUBLIC)
    generate_key_pair(keys / HOST_PRIVATE, keys / HOST_PUBLIC)
    settings = OfflineSettings(sync_batch_size=500)
    rates = []
    for run in range(runs):
        store = folder / f"sync{run}"
        store.mkdir()
        (store / "keys").mkdir()
        journal, outbox = open_store(store)
        _bulk_fill(journal, outbox, n, prefix=f"S{run}")
        config = SimulatorConfig(members=(MemberSeed("M001", 10**12),))
        with start_simulator(store / "host.db", keys, config) as sim:
            host = HostClient(HostSettings(base_url=sim.url, read_timeout_s=30),
                              terminal_id="T0001",
                              private_key=load_private_key(keys / TERMINAL_PRIVATE),
                              host_public_key=load_public_key(keys / HOST_PUBLIC))
            started = time.perf_counter()
            result = sync_pass(OutboxSync(outbox, settings), host, SystemClock(), settings)
            elapsed = time.perf_counter() - started
            host.close()
        assert result.booked == n, result
        rates.append(n / elapsed)
        journal.close()
    return {"records": n, "batch_size": 500, "runs": runs,
            "median_records_per_s": round(statistics.median(rates)),
            "min_records_per_s": round(min(rates)), "target_records_per_s": 1000}


def _bulk_fill(journal: SqliteJournal, outbox: Outbox, n: int, prefix: str) -> None:
    """Queue ``n`` records fast (one transaction), through the same tables and triggers."""
    sealer = outbox.sealer
    member_blob, member_key = sealer.seal_member("M001"), sealer.member_key("M001")
    now = time.time()
    db = journal.db
    db.execute("BEGIN")
    for i in range(1, n + 1):
        no = f"{prefix}{i:010d}"
        member = i % 2 == 0
        db.execute("INSERT INTO attempts (out_trade_no, seq, tender, amount_fen, state, "
                   "created_at, updated_at, offline) VALUES (?,?,?,?,?,?,?,1)",
                   [no, i, "member" if member else "cash", 100, "approved", now, now])
        db.execute("INSERT INTO outbox (out_trade_no, seq, tender, amount_fen, terminal_id, "
                   "created_at, day, member_key, member_id_enc) VALUES (?,?,?,?,?,?,?,?,?)",
                   [no, i, "member" if member else "cash", 100, "T0001", now, "2026-05-01",
                    member_key if member else "", member_blob if member else None])
    db.execute("COMMIT")


def bench_status(folder: Path, n: int = 100_000, runs: int = 30) -> dict:
    before = rss_mb()
    journal, outbox = open_store(folder)
    _bulk_fill(journal, outbox, n, prefix="Q")
    journal.close()
    journal, outbox = open_store(folder)     # a fresh connection, as `queue status` has
    times, policy_times = [], []
    for _ in range(runs):
        # exactly the queries of `payterm queue status`
        started = time.perf_counter()
        status = queue_status(journal.db)
        journal.db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'declined'").fetchone()
        unresolved = journal.unresolved()
        times.append((time.perf_counter() - started) * 1000)
        # what the offline policy reads before each offline payment (50,000 of the
        # records belong to the one member asked about: the worst case)
        started = time.perf_counter()
        store_wide = outbox.exposure(time.time())
        policy_times.append((time.perf_counter() - started) * 1000)
    assert status.pending_count == n and store_wide.unsynced_count == n and not unresolved
    after = rss_mb()
    journal.close()
    return {"unsynced_records": n, "median_ms": round(statistics.median(times), 3),
            "p95_ms": round(percentile(times, 0.95), 3), "target_ms": 50,
            "policy_exposure_median_ms": round(statistics.median(policy_times), 3),
            "rss_growth_mb": round(after - before, 1), "target_rss_growth_mb": 50}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("enqueue", "sync", "status"):
            (base / name / "keys").mkdir(parents=True)
        results = {"durable_enqueue": bench_enqueue(base / "enqueue"),
                   "sync_throughput": bench_sync(base / "sync"),
                   "queue_status_100k": bench_status(base / "status")}
    results["machine"] = {"python": sys.version.split()[0], "cores_shared": True,
                          "filesystem": "tmp dir (see tempfile.gettempdir())"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
