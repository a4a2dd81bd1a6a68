"""Terminal API overhead over the same payment taken from the CLI path (issue 13).

One terminal (data directory, keys, journal, settings) and one loopback host simulator;
three ways of taking the same wallet payment (12.34 yuan, a fresh approving code each
time), interleaved so that the machine's load hits all three alike:

* ``cli``: what ``payterm pay --amount 12.34 --code C`` runs once its process is up:
  ``ui.composition.payments.wallet_payment(...).pay`` (checks, journal fsyncs, RSA2
  signing, loopback HTTP to the host, answer verification, final journal write).
* ``engine``: the Terminal API engine in-process (``TerminalApi.handle`` on the request
  bytes: parse, journal the request, store the sale, link it, the same wallet pay,
  receipt lines, journal the answer), no transport.
* ``api``: a POS through ``drivers.pos_api.client`` over loopback HTTPS (the pinned
  self-signed certificate, bearer key, keep-alive connection), the code passed in
  ``PaymentData.PaymentCode``.

The host simulator and the POS run as their own processes, as in a store (the host is a
server elsewhere, the POS is the cash register): sharing the terminal's process, their
threads would compete for its interpreter lock and the API's extra threads would pay for
it. The POS process takes one "pay" line at a time on stdin and answers with the time it
measured around ``TerminalApiClient.pay``.

Overhead = median(api) - median(cli), and the ratio of the medians, both from the same
run; also the median of the differences of back-to-back pairs (api, cli). The CLI's
process start and its start-up resolver pass are not counted (they are not part of
taking a payment). Run: python tests/bench/bench_pos_api.py
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from drivers.host.keys import (HOST_PRIVATE, HOST_PUBLIC, TERMINAL_PRIVATE,  # noqa: E402
                               TERMINAL_PUBLIC, generate_key_pair)
from drivers.host.simulator.behaviours import Behaviour, code_for  # noqa: E402
from drivers.host.simulator.http_server import GATEWAY_PATH  # noqa: E402
from drivers.pos_api.client import TerminalApiClient, result_of  # noqa: E402
from offline_queue.journal_identity import start_new_journal  # noqa: E402
from offline_queue.pos_api_store import PosApiStore  # noqa: E402
from offline_queue.transaction import transaction  # noqa: E402
from tests.bench._stats import summary_ms, write_results  # noqa: E402
from ui.composition.context import build_context  # noqa: E402
from ui.composition.payments import (database_path, open_host, open_journal,  # noqa: E402
                                    wallet_payment)
from ui.composition.terminal_api import poi_id, start_terminal_api  # noqa: E402

WARMUP = 20
RUNS = 5
PER_RUN = 40
AMOUNT_FEN, AMOUNT = 1234, "12.34"
CONFIG = """
[terminal]
terminal_id = "B1"
duplicate_code_window_s = 0
[host]
base_url = "{url}"
[pos_api]
listen = "127.0.0.1:{port}"
"""


POS_SCRIPT = """
import json, sys, time
from drivers.pos_api.client import TerminalApiClient, result_of
creds = json.loads(sys.argv[1])
pos = TerminalApiClient(creds["url"], creds["key"], tls_sha256=creds["tls_sha256"],
                        sale_id="LANE1", poi_id=creds["poi_id"])
print("ready", flush=True)
for line in sys.stdin:
    _, txn, amount, code = line.split()
    t0 = time.perf_counter()
    answer = pos.pay(txn, amount, code=code)
    took = time.perf_counter() - t0
    result = result_of(answer, "PaymentResponse")
    print(f"{took!r} {result}", flush=True)
pos.close()
"""


class PosProcess:
    """The cash register: its own process, one keep-alive HTTPS connection."""

    def __init__(self, creds, poi: str) -> None:
        info = json.dumps({"url": creds.url, "key": creds.key,
                           "tls_sha256": creds.tls_sha256, "poi_id": poi})
        root = str(Path(__file__).resolve().parents[2])
        self.child = subprocess.Popen([sys.executable, "-c", POS_SCRIPT, info], cwd=root,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True)
        assert self._line(60) == "ready"

    def _line(self, timeout_s: float) -> str:
        assert self.child.stdout is not None
        ready, _, _ = select.select([self.child.stdout], [], [], timeout_s)
        assert ready, "the POS process did not answer in time"
        return self.child.stdout.readline().strip()

    def pay(self, txn: str, code: str) -> float:
        assert self.child.stdin is not None
        self.child.stdin.write(f"pay {txn} {AMOUNT} {code}\n")
        self.child.stdin.flush()
        took, result = self._line(60).split()
        assert result == "Success", result
        return float(took)

    def close(self) -> None:
        if self.child.stdin is not None:
            self.child.stdin.close()
        try:
            self.child.wait(10)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait(5)
        if self.child.stdout is not None:
            self.child.stdout.close()


@contextlib.contextmanager
def host_process(db: Path, keys: Path) -> Iterator[str]:
    """``payterm host-sim`` as its own process; yields its gateway URL."""
    port = free_port()
    root = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "host-sim", "--port",
                              str(port), "--db", str(db), "--keys-dir", str(keys)],
                             cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert child.poll() is None, "payterm host-sim exited"
                assert time.monotonic() < deadline, "payterm host-sim did not start in 60 s"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}{GATEWAY_PATH}"
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        keys = root / "keys"
        generate_key_pair(keys / TERMINAL_PRIVATE, keys / TERMINAL_PUBLIC)
        generate_key_pair(keys / HOST_PRIVATE, keys / HOST_PUBLIC)
        with host_process(root / "sim.db", keys) as sim_url:
            data = root / "terminal"
            (data / "keys").mkdir(parents=True)
            for name in (TERMINAL_PRIVATE, HOST_PUBLIC):
                (data / "keys" / name).write_bytes((keys / name).read_bytes())
                os.chmod(data / "keys" / name, 0o600)
            start_new_journal(data / "payterm.db")
            config = data / "payterm.toml"
            config.write_text(CONFIG.format(url=sim_url, port=free_port()))
            ctx = build_context(str(data), str(config), env={}, with_logging=False)
            try:
                figures = measure(ctx)
            finally:
                ctx.close()
    report(figures)


def measure(ctx) -> dict:
    running = start_terminal_api(ctx)
    creds = running.credentials
    engine = running.engine
    journal = open_journal(ctx)
    cli = wallet_payment(ctx, open_host(ctx), journal)
    pos = PosProcess(creds, poi_id(ctx))
    in_process = TerminalApiClient.__new__(TerminalApiClient)   # only build_request
    in_process.sale_id, in_process.poi_id = "LANE2", poi_id(ctx)
    serial = 0

    def next_code() -> str:
        nonlocal serial
        serial += 1
        return code_for(Behaviour.APPROVE, serial)

    def by_cli() -> None:
        result = cli.pay(AMOUNT_FEN, next_code())
        assert result.approved, result.message

    def by_engine() -> None:
        request = in_process.build_request("Payment", {
            "SaleData": {"SaleTransactionID": {"TransactionID": f"E-{serial}",
                                               "TimeStamp": "2026-12-02T10:00:00Z"}},
            "PaymentTransaction": {"AmountsReq": {"Currency": "CNY",
                                                  "RequestedAmount": 12.34}},
            "PaymentData": {"PaymentCode": next_code()}})
        answer = engine.handle(json.dumps(request).encode(), None)
        assert result_of(answer, "PaymentResponse") == "Success", answer

    def by_api() -> float:
        return pos.pay(f"A-{serial}", next_code())

    paths = {"cli": by_cli, "engine": by_engine, "api": by_api}
    timings: dict[str, list[float]] = {name: [] for name in paths}
    run_medians: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for run in range(RUNS + 1):
            batch: dict[str, list[float]] = {name: [] for name in paths}
            for i in range(WARMUP if run == 0 else PER_RUN):
                order = list(paths) if i % 2 == 0 else list(reversed(paths))
                for name in order:
                    t0 = time.perf_counter()
                    inside = paths[name]()
                    took = time.perf_counter() - t0
                    # the POS measures its own call (no pipe round trip to it counted)
                    batch[name].append(inside if isinstance(inside, float) else took)
            if run:
                for name in paths:
                    timings[name] += batch[name]
                    run_medians[name].append(round(statistics.median(batch[name]) * 1000, 3))
    finally:
        pos.close()
    # What the engine adds in the store: three rows committed without their own fsync
    # (the sale; the request and the answer in the message log), and what one fsync'd
    # commit costs on this disk now (what each of them cost before, the sale until
    # 2026-12-02's second change).
    store = PosApiStore.open(database_path(ctx))
    commits = []
    for _ in range(50):
        t0 = time.perf_counter()
        with transaction(store._db):
            store._db.execute("INSERT INTO pos_messages (at, direction, body) "
                              "VALUES (?, 'request', ?)", [time.time(), "x" * 300])
        commits.append(time.perf_counter() - t0)
    log_rows = []
    for _ in range(50):
        t0 = time.perf_counter()
        store.log_message("request", {"bench": "x" * 300}, time.time())
        log_rows.append(time.perf_counter() - t0)
    store.close()
    return {"timings": timings, "run_medians": run_medians, "commit": commits,
            "log_row": log_rows,
            "load": os.getloadavg()}


def report(figures: dict) -> None:
    timings, run_medians = figures["timings"], figures["run_medians"]
    stats = {name: summary_ms(values) for name, values in timings.items()}
    cli, engine, api = (stats[n]["median_ms"] for n in ("cli", "engine", "api"))
    overheads = [round(a - c, 3) for a, c in zip(run_medians["api"], run_medians["cli"])]
    # The same payment's two ways were taken back to back: the median of those pairs'
    # differences is less moved by the machine's speed drifting during the run.
    paired = statistics.median(a - c for a, c in zip(timings["api"], timings["cli"]))
    data = {
        "cli_pay": stats["cli"], "engine_pay": stats["engine"], "api_pay": stats["api"],
        "api_overhead_median_ms": round(api - cli, 3),
        "api_overhead_of_which_engine_ms": round(engine - cli, 3),
        "api_overhead_of_which_transport_ms": round(api - engine, 3),
        "api_overhead_median_of_paired_differences_ms": round(paired * 1000, 3),
        "ratio_api_to_cli": round(api / cli, 3),
        "one_store_commit": summary_ms(figures["commit"]),
        "one_message_log_row": summary_ms(figures["log_row"]),
        "overhead_per_run_ms": overheads,
        "run_medians_ms": run_medians,
        "load_average_during": [round(x, 2) for x in figures["load"]],
        "target_overhead_median_ms": 5.0,
        "note": "same terminal, same host simulator (its own process, on the same two "
                "cores), paths interleaved; the api path: a POS process with the reference "
                "client (drivers/pos_api/client.py, http.client), HTTPS keep-alive on "
                "loopback",
    }
    print(f"CLI path (payterm pay, in-process):   {stats['cli']}")
    print(f"Terminal API engine, no transport:    {stats['engine']}")
    print(f"Terminal API over loopback HTTPS:     {stats['api']}")
    print(f"overhead api - cli: {data['api_overhead_median_ms']} ms median "
          f"(engine {data['api_overhead_of_which_engine_ms']} ms, transport "
          f"{data['api_overhead_of_which_transport_ms']} ms); ratio {data['ratio_api_to_cli']}"
          f"; median of paired differences "
          f"{data['api_overhead_median_of_paired_differences_ms']} ms")
    print(f"one fsync'd store commit (the engine adds none): {data['one_store_commit']}")
    print(f"one row without its own fsync (the engine adds 3: the sale, two log rows): "
          f"{data['one_message_log_row']}")
    print(f"overhead per run: {overheads}; load {data['load_average_during']}")
    print(f"written {write_results('pos_api', data)}")


if __name__ == "__main__":
    main()
