"""The offline queue against a real simulator on loopback, on real SQLite files."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from drivers.host.keys import HOST_PUBLIC, TERMINAL_PRIVATE, load_private_key, load_public_key
from drivers.host.client import HostClient
from drivers.host.simulator.config import MemberSeed, SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from offline_queue.journal import SqliteJournal
from offline_queue.outbox import Outbox
from offline_queue.outbox_sealing import OutboxSealer
from offline_queue.outbox_sync import OutboxSync
from terminal.settings.host_section import HostSettings
from terminal.settings.model import Settings
from terminal.settings.offline_section import OfflineSettings
from tests.fakes.clock import FakeClock

TERMINAL_ID = "T0001"


@pytest.fixture
def sim(tmp_path, keys_dir):
    config = SimulatorConfig(password_delay_s=0.2, slow_delay_s=1.0,
                             members=(MemberSeed("M001", 100_000, "1234"),
                                      MemberSeed("M002", 500, "5678")))
    with start_simulator(tmp_path / "host-sim.db", keys_dir, config) as running:
        yield running


def make_client(url: str, keys_dir: Path, read_timeout_s: float = 0.5) -> HostClient:
    settings = HostSettings(base_url=url, read_timeout_s=read_timeout_s, connect_timeout_s=0.5,
                            connect_retries=0, connect_retry_delay_s=0.01)
    return HostClient(settings, terminal_id=TERMINAL_ID,
                      private_key=load_private_key(keys_dir / TERMINAL_PRIVATE),
                      host_public_key=load_public_key(keys_dir / HOST_PUBLIC))


@pytest.fixture
def client(sim, keys_dir):
    with make_client(sim.url, keys_dir) as host_client:
        yield host_client


OFFLINE = OfflineSettings(sync_batch_size=50, sync_backoff_base_s=1.0, sync_backoff_max_s=4.0,
                          sync_max_attempts=3, balance_allowance_fen=100_000,
                          member_daily_max_fen=1_000_000, total_unsynced_max_count=10_000,
                          total_unsynced_max_fen=100_000_000, per_payment_max_fen=100_000)


@pytest.fixture
def settings() -> Settings:
    base = Settings()
    return replace(base, offline=OFFLINE,
                   terminal=replace(base.terminal, terminal_id=TERMINAL_ID))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=time.time())


class Store:
    """A journal, its outbox and the sync booking on one real SQLite file."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.journal = SqliteJournal.open(path, check_integrity=True)
        self.sealer = OutboxSealer.from_key_file(path.parent / "keys" / "store.key")
        self.outbox = Outbox(self.journal, self.sealer)
        self.sync = OutboxSync(self.outbox, settings.offline)

    def close(self) -> None:
        self.journal.close()

    def states(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.journal.db.execute(
            "SELECT out_trade_no, state FROM outbox")}


@pytest.fixture
def store(tmp_path, settings):
    opened = Store(tmp_path / "terminal" / "payterm.db", settings)
    yield opened
    opened.close()
