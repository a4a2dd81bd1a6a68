"""The back office's throughput and latency on PostgreSQL and SQLite, measured in the
same run as PostgreSQL's own single-row insert-and-commit rate (the limit to compare
against). Not collected by pytest.

    .venv/bin/python tests/bench/bench_backoffice.py [--rounds 3] [--clients 8]

Each round, for each database: ``payterm-backoffice serve --workers 2`` as a process,
``--clients`` terminals (threads in this process, each with its own key, signing with
RSA-2048 like a real terminal) sending member pays one after another, then offline
batches of 100 records. The clients share the 2 cores with the server and the
database, as they would not in a store: the figures are a floor. Medians over rounds.
Writes tests/bench/results/backoffice.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from backoffice.members.accounts import add_member  # noqa: E402
from backoffice.registry.terminals import add_terminal  # noqa: E402
from backoffice.settings import BackofficeSettings  # noqa: E402
from backoffice.storage.engine import open_engine  # noqa: E402
from backoffice.storage.migrate import upgrade  # noqa: E402
from terminal.errors import HostError  # noqa: E402
from terminal.host_batch_messages import BatchOutcome, OfflineRecord, OfflineTender  # noqa: E402
from terminal.host_messages import MemberPayRequest, PayOutcome  # noqa: E402
from tests.backoffice.harness import (ServeProcess, TerminalIdentity, in_transaction,  # noqa: E402
                                      terminal_client)
from tests.backoffice.pg_server import PgServer  # noqa: E402
from tests.backoffice.test_storage_faults import serve_key  # noqa: E402
from tests.bench._stats import percentile, write_results  # noqa: E402

BATCH = 100
TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(root: int) -> dict[int, float]:
    """CPU seconds (user + system, with reaped children) of a process and its children."""
    found: dict[int, float] = {}
    pids = [root] + [int(p) for p in subprocess.run(["pgrep", "-P", str(root)],
                                                     capture_output=True, text=True)
                     .stdout.split()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = sum(int(v) for v in fields[11:15]) / TICKS
    return found


class CpuMeter:
    """CPU used by the back office's processes, PostgreSQL's and this client process
    during one measurement: load-independent cost per item."""

    def __init__(self, serve_pid: int, postgres_pid: int | None) -> None:
        self._roots = {"backoffice": serve_pid, "postgres": postgres_pid}
        self._before = {name: tree_cpu_s(pid) for name, pid in self._roots.items() if pid}
        self._client = time.process_time()

    def per_item_ms(self, items: int) -> dict[str, float]:
        out = {"client_cpu_ms": round((time.process_time() - self._client) / items * 1000, 3)}
        for name, pid in self._roots.items():
            if not pid:
                continue
            after = tree_cpu_s(pid)
            used = sum(v - self._before[name].get(p, 0.0) for p, v in after.items())
            out[f"{name}_cpu_ms"] = round(used / items * 1000, 3)
        return out


def postgres_commit_rate(server: PgServer, inserts: int, threads: int) -> dict:
    """Single-row INSERT + COMMIT, autocommit, on ``threads`` connections at once."""
    with server.connect("bench") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS baseline (id bigserial PRIMARY KEY, "
                     "v bigint NOT NULL)")
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        own = []
        with server.connect("bench") as conn:
            for n in range(inserts // threads):
                t0 = time.perf_counter()
                conn.execute("INSERT INTO baseline (v) VALUES (%s)", (n,))
                own.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(own)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return rate(latencies, time.perf_counter() - started, len(latencies))


def rate(latencies: list[float], wall_s: float, items: int) -> dict:
    ms = [s * 1000 for s in latencies]
    return {"per_s": round(items / wall_s, 1), "p50_ms": round(statistics.median(ms), 2),
            "p99_ms": round(percentile(ms, 99), 2), "requests": len(ms), "items": items}


def setup_books(url: str, terminals: list[TerminalIdentity]) -> None:
    engine = open_engine(url, BackofficeSettings(), pool_size=1)
    upgrade(engine)

    def seed(conn, now):
        for term in terminals:
            add_terminal(conn, term.terminal_id, "S1", term.public_pem, now)
            add_member(conn, f"M{term.terminal_id}", "13800001234", 10 ** 12, "S1", now)
    in_transaction(engine, seed)
    engine.dispose()


def drive(url: str, key, terminals: list[TerminalIdentity], per_client: int, tag: str,
          work: str, meter_roots: tuple[int, int | None] | None = None) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    items = 0
    resends = 0

    def client_loop(term: TerminalIdentity) -> None:
        nonlocal items, resends
        own = []
        count = 0
        with terminal_client(url, term, key, read_timeout_s=30) as client:
            for n in range(per_client):
                number = f"{term.terminal_id}{tag}{n:06d}"
                t0 = time.perf_counter()
                if work == "pay":
                    request = MemberPayRequest(number, f"M{term.terminal_id}", 100 + n % 50,
                                               "bench", term.terminal_id)
                    answer = send(lambda: client.member_pay(request))  # noqa: B023
                    assert answer.outcome is PayOutcome.APPROVED, answer
                    count += 1
                else:
                    now = time.time()
                    records = [OfflineRecord(f"{number}R{i:03d}", OfflineTender.MEMBER,
                                             100 + i, now - 10, term.terminal_id,
                                             member_id=f"M{term.terminal_id}",
                                             evidence={"score": 0.8})
                               for i in range(BATCH)]
                    results = send(lambda: client.upload_offline_batch(records))  # noqa: B023
                    assert all(r.outcome is BatchOutcome.ACCEPTED for r in results)
                    count += len(records)
                own.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(own)
            items += count

    def send(call):
        """Like a terminal: an unknown answer is followed by the same request again
        (idempotent); counted, and its time stays in the request's latency."""
        nonlocal resends
        while True:
            try:
                answer = call()
            except HostError:
                answer = None
            if answer is not None and getattr(answer, "outcome", None) is not PayOutcome.UNKNOWN:
                return answer
            with lock:
                resends += 1

    threads = [threading.Thread(target=client_loop, args=(t,)) for t in terminals]
    meter = CpuMeter(*meter_roots) if meter_roots else None
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = {**rate(latencies, time.perf_counter() - started, items), "resends": resends}
    if meter is not None:
        result.update(meter.per_item_ms(items))
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--pays", type=int, default=60, help="member pays per client")
    parser.add_argument("--batches", type=int, default=4, help="batches of 100 per client")
    parser.add_argument("--baseline-inserts", type=int, default=2000)
    args = parser.parse_args()
    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for _ in range(args.clients)]
    runs: dict[str, list[dict]] = {}
    server = PgServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(args.rounds):
                server.create_database("bench")
                runs.setdefault("postgres_insert_commit_1conn", []).append(
                    postgres_commit_rate(server, args.baseline_inserts // 2, 1))
                runs.setdefault(f"postgres_insert_commit_{args.clients}conn", []).append(
                    postgres_commit_rate(server, args.baseline_inserts, args.clients))
                for backend in ("postgresql", "sqlite"):
                    folder = Path(tmp) / f"{backend}{round_no}"
                    url = (server.create_database(f"bo{round_no}") if backend == "postgresql"
                           else f"sqlite:///{folder / 'backoffice.db'}")
                    terminals = [TerminalIdentity(f"B{n:03d}", "S1", keys[n])
                                 for n in range(args.clients)]
                    setup_books(url, terminals)
                    serve = ServeProcess(folder, url, workers=2,
                                         env={"PAYTERM_BACKOFFICE_LOG_LEVEL": "WARNING"})
                    try:
                        key = serve_key(folder)
                        drive(serve.url, key, terminals, 3, "W", "pay")        # warm-up
                        roots = (serve.process.pid,
                                 server.pid if backend == "postgresql" else None)
                        runs.setdefault(f"{backend}_member_pay", []).append(
                            drive(serve.url, key, terminals, args.pays, "P", "pay", roots))
                        runs.setdefault(f"{backend}_offline_records", []).append(
                            drive(serve.url, key, terminals, args.batches, "O", "batch",
                                  roots))
                    finally:
                        serve.stop()
                print(f"round {round_no + 1}: " + ", ".join(
                    f"{name} {values[-1]['per_s']}/s" for name, values in runs.items()),
                    flush=True)
    finally:
        server.close()
    medians = {name: {key: statistics.median(v[key] for v in values)
                      for key in values[0] if key not in ("requests", "items")}
               for name, values in runs.items()}
    path = write_results("backoffice", {
        "clients": args.clients, "workers": 2, "rounds": args.rounds,
        "batch_records": BATCH, "medians": medians, "runs": runs,
        "note": "2 shared cores: clients (RSA signing), 2 server workers and the database "
                "on one machine; other engineers' tests ran at the same time"})
    for name, value in medians.items():
        cpu = "  ".join(f"{k} {v:.2f}" for k, v in value.items() if k.endswith("_cpu_ms"))
        print(f"{name:34s} {value['per_s']:9.1f}/s  p50 {value['p50_ms']:7.2f} ms  "
              f"p99 {value['p99_ms']:7.2f} ms  {cpu}")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
