"""Terminal-side overhead of one wallet pay on loopback (issue 2).

The whole ``WalletPayment.pay`` path as the cashier's terminal runs it: amount and code
checks, two durable journal writes with fsync (CREATED, PENDING) before the request,
RSA2 signing, the HTTP round trip to the host simulator (answering at once, in this
process, on the same 2 cores), answer verification and the final journal write.
Run: python tests/bench/bench_pay.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from drivers.host.client import open_host_client  # noqa: E402
from drivers.host.keys import generate_key_pair  # noqa: E402
from drivers.host.simulator.behaviours import Behaviour, code_for  # noqa: E402
from drivers.host.simulator.runner import start_simulator  # noqa: E402
from offline_queue.journal import SqliteJournal  # noqa: E402
from terminal.clock import SystemClock  # noqa: E402
from terminal.settings.model import settings_from  # noqa: E402
from terminal.wallet_payment import WalletPayment  # noqa: E402
from tests.bench._stats import summary_ms, write_results  # noqa: E402

WARMUP = 20
RUNS = 5
PER_RUN = 100


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        keys = data / "keys"
        generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
        with start_simulator(data / "sim.db", keys) as sim:
            settings = settings_from({"host": {"base_url": sim.url},
                                      "terminal": {"duplicate_code_window_s": 0}})
            client = open_host_client(settings.host, terminal_id="B1", data_dir=data)
            journal = SqliteJournal.open(data / "payterm.db")
            payment = WalletPayment(client, journal, settings, SystemClock())
            serial = 0
            timings, run_medians = [], []
            for run in range(RUNS + 1):
                batch = []
                for _ in range(WARMUP if run == 0 else PER_RUN):
                    serial += 1
                    code = code_for(Behaviour.APPROVE, serial)
                    t0 = time.perf_counter()
                    result = payment.pay(1234, code)
                    batch.append(time.perf_counter() - t0)
                    assert result.approved, result.message
                if run:
                    timings += batch
                    run_medians.append(summary_ms(batch)["median_ms"])
            journal.close()
            client.close()
    data = {"pay_end_to_end": summary_ms(timings), "run_medians_ms": run_medians,
            "target_median_ms": 15.0,
            "note": "includes the simulator's own work (signature check, ledger write) on "
                    "the same 2 cores"}
    print(f"wallet pay, terminal side + loopback host: {data['pay_end_to_end']}")
    print(f"median of each run: {run_medians}")
    print(f"written {write_results('pay', data)}")


if __name__ == "__main__":
    main()
