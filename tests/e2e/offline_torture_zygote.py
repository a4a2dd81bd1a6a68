"""Child of the SIGKILL torture test (not a test module itself).

Imports everything once, then for each ``go`` line on stdin forks a worker that takes
offline payments while its sync worker forwards them, until the test SIGKILLs it.
Forking from this single-threaded process keeps each round cheap. A worker appends each
``out_trade_no`` to the "told" file only after ``enqueue`` returned: that is the moment
the customer would be told. ``drain`` forwards everything left and exits.
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from drivers.host.client import HostClient  # noqa: E402
from drivers.host.keys import HOST_PUBLIC, TERMINAL_PRIVATE, load_private_key, load_public_key  # noqa: E402
from offline_queue.journal import SqliteJournal  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from offline_queue.outbox_sealing import OutboxSealer  # noqa: E402
from offline_queue.outbox_sync import OutboxSync  # noqa: E402
from offline_queue.sync_worker import SyncWorker, sync_pass  # noqa: E402
from offline_queue.outbox_view import queue_status  # noqa: E402
from terminal.attempt import Tender  # noqa: E402
from terminal.clock import SystemClock  # noqa: E402
from terminal.settings.host_section import HostSettings  # noqa: E402
from terminal.settings.offline_section import OfflineSettings  # noqa: E402

SETTINGS = OfflineSettings(sync_batch_size=7, sync_backoff_base_s=0.01, sync_backoff_max_s=0.05,
                           sync_idle_s=0.01, sync_max_attempts=10_000)


def client(url: str, keys: Path) -> HostClient:
    return HostClient(HostSettings(base_url=url, read_timeout_s=2.0, connect_timeout_s=1.0,
                                   connect_retries=0),
                      terminal_id="T0001",
                      private_key=load_private_key(keys / TERMINAL_PRIVATE),
                      host_public_key=load_public_key(keys / HOST_PUBLIC))


def work(db: Path, url: str, keys: Path, told: Path, seed: int) -> None:
    rng = random.Random(seed)
    sealer = OutboxSealer.from_key_file(db.parent / "store.key")
    host = client(url, keys)
    worker = SyncWorker(db, sealer, host, SETTINGS, SystemClock(), rng=rng)
    worker.start()
    journal = SqliteJournal.open(db, check_integrity=True)
    outbox = Outbox(journal, sealer)
    fd = os.open(told, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    while True:
        member = rng.random() < 0.5
        attempt = outbox.enqueue(terminal_id="T0001",
                                 tender=Tender.MEMBER if member else Tender.CASH,
                                 amount_fen=rng.randint(1, 500), subject="torture",
                                 now=time.time(), member_id="M001" if member else "",
                                 evidence={"score": 0.9} if member else None)
        os.write(fd, (attempt.out_trade_no + "\n").encode())
        worker.wake()
        time.sleep(rng.uniform(0, 0.01))


def drain(db: Path, url: str, keys: Path) -> int:
    journal = SqliteJournal.open(db, check_integrity=True)
    sync = OutboxSync(Outbox(journal, OutboxSealer.from_key_file(db.parent / "store.key")),
                      replace(SETTINGS, sync_batch_size=500))
    host = client(url, keys)
    deadline = time.monotonic() + 30
    while queue_status(journal.db).pending_count and time.monotonic() < deadline:
        journal.db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'")
        sync_pass(sync, host, SystemClock(), SETTINGS)
    return queue_status(journal.db).pending_count


def main() -> None:
    db, url, keys, told = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    for line in sys.stdin:
        command = line.split()
        if command[0] == "go":
            pid = os.fork()
            if pid == 0:
                try:
                    work(db, url, keys, told, int(command[1]))
                finally:
                    os._exit(1)
            print(f"pid {pid}", flush=True)
            os.waitpid(pid, 0)
            print("reaped", flush=True)
        elif command[0] == "drain":
            print(f"left {drain(db, url, keys)}", flush=True)
            return


if __name__ == "__main__":
    main()
