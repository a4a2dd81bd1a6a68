"""The hostile-host suite: the real terminal code (client, journal, payment flow,
resolver, refunds, sync, end of day) talking to the real simulator through
``HostileProxy`` on loopback."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from drivers.host.client import HostClient
from drivers.host.keys import (HOST_PRIVATE, HOST_PUBLIC, TERMINAL_PRIVATE, load_private_key,
                               load_public_key)
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import MemberSeed, SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from offline_queue.journal import SqliteJournal
from terminal.clock import SystemClock
from terminal.refund import Refunds
from terminal.settings.model import Settings, settings_from
from terminal.wallet_payment import WalletPayment
from tests.hostile.hostile_proxy import HostileProxy

TERMINAL_ID = "T0001"
FAST_RESOLUTION = {"first_query_delay_s": 0.05, "poll_interval_s": 0.1, "poll_budget_s": 1.0,
                   "cancel_not_before_s": 0.0, "cancel_retry_interval_s": 0.1,
                   "cancel_max_attempts": 3}
_serial = itertools.count(int(time.time()) % 100_000 * 1000)


def code(behaviour: Behaviour = Behaviour.APPROVE) -> str:
    """A fresh payment code with the simulator behaviour ``behaviour``."""
    return code_for(behaviour, next(_serial))


@pytest.fixture
def sim(tmp_path, keys_dir):
    config = SimulatorConfig(password_delay_s=30.0, slow_delay_s=1.0, cancel_retry_times=1,
                             members=(MemberSeed("M001", 1_000_000, "1234"),
                                      MemberSeed("M002", 1_000_000, "5678")))
    with start_simulator(tmp_path / "host-sim.db", keys_dir, config) as running:
        yield running


@pytest.fixture
def proxy(sim, keys_dir):
    with HostileProxy(sim.url, load_private_key(keys_dir / HOST_PRIVATE)) as hostile:
        yield hostile


def terminal_settings(url: str, **host) -> Settings:
    return settings_from({
        "terminal": {"terminal_id": TERMINAL_ID},
        "host": {"base_url": url, "connect_timeout_s": 1.0, "read_timeout_s": 3.0,
                 "connect_retry_delay_s": 0.01, **host},
        "resolver": {"alipay": FAST_RESOLUTION, "member": FAST_RESOLUTION,
                     "idle_sleep_s": 0.05},
    })


def open_client(settings: Settings, keys_dir: Path) -> HostClient:
    return HostClient(settings.host, terminal_id=settings.terminal.terminal_id,
                      private_key=load_private_key(keys_dir / TERMINAL_PRIVATE),
                      host_public_key=load_public_key(keys_dir / HOST_PUBLIC))


class Terminal:
    """The terminal's real parts, pointed at the proxy."""

    def __init__(self, settings: Settings, keys_dir: Path, db_path: Path) -> None:
        self.settings = settings
        self.client = open_client(settings, keys_dir)
        self.journal = SqliteJournal.open(db_path)
        self.clock = SystemClock()

    def wallet(self) -> WalletPayment:
        return WalletPayment(self.client, self.journal, self.settings, self.clock)

    def pay(self, amount_fen: int, behaviour: Behaviour = Behaviour.APPROVE, **kwargs):
        return self.wallet().pay(amount_fen, code(behaviour), **kwargs)

    def refunds(self) -> Refunds:
        return Refunds(self.client, self.journal, self.clock)

    def approving_event(self, out_trade_no: str) -> str:
        """The journal event that moved the attempt to approved ("" if none did)."""
        for event in self.journal.history(out_trade_no):
            if event["state"] == "approved":
                return event["event"]
        return ""

    def close(self) -> None:
        self.client.close()
        self.journal.close()


@pytest.fixture
def terminal(proxy, keys_dir, tmp_path):
    opened = Terminal(terminal_settings(proxy.url), keys_dir, tmp_path / "payterm.db")
    yield opened
    opened.close()


def charged_fen(sim, out_trade_no: str) -> int:
    """What the host really kept from this trade."""
    return next((c["net_fen"] for c in sim.ledger.charges()
                 if c["out_trade_no"] == out_trade_no), 0)
