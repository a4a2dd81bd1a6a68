"""Journal write latency: the durable write that precedes every pay request.

Measures, on a real SQLite file with WAL and synchronous=FULL: opening an attempt
(sequence + insert + event, one commit) and one state change (update + event, one commit).
Run: python tests/bench/bench_journal.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from offline_queue.journal import SqliteJournal  # noqa: E402
from terminal.attempt import Tender  # noqa: E402
from terminal.transaction import TxState  # noqa: E402
from tests.bench._stats import summary_ms, write_results  # noqa: E402

ROUNDS = 5
PER_ROUND = 200


def main() -> None:
    opens, marks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        journal = SqliteJournal.open(Path(tmp) / "bench.db")
        for _ in range(ROUNDS):
            for _ in range(PER_ROUND):
                t0 = time.perf_counter()
                attempt = journal.open_attempt(terminal_id="B1", tender=Tender.WALLET,
                                               wallet="alipay", code_masked="2800****1234",
                                               amount_fen=1234, subject="bench", now=time.time())
                t1 = time.perf_counter()
                journal.mark(attempt.out_trade_no, TxState.PENDING, now=time.time(),
                             event="pay_sent", first_request_at=time.time())
                t2 = time.perf_counter()
                opens.append(t1 - t0)
                marks.append(t2 - t1)
        journal.close()
    data = {"open_attempt": summary_ms(opens), "state_change": summary_ms(marks)}
    print(f"journal open_attempt: {data['open_attempt']}")
    print(f"journal state change: {data['state_change']}")
    print(f"written {write_results('journal', data)}")


if __name__ == "__main__":
    main()
