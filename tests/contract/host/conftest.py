"""A real simulator on loopback and a real client for every contract test."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from drivers.host.client import HostClient
from drivers.host.keys import HOST_PUBLIC, TERMINAL_PRIVATE, load_private_key, load_public_key
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import MemberSeed, SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from terminal.host_messages import PayRequest
from terminal.settings.host_section import HostSettings

TERMINAL_ID = "T0001"
READ_TIMEOUT_S = 0.6
_serial = itertools.count(1)


@pytest.fixture
def sim_config() -> SimulatorConfig:
    return SimulatorConfig(password_delay_s=1.0, slow_delay_s=2.5, cancel_retry_times=2,
                           members=(MemberSeed("M001", 10_000, "1234"),
                                    MemberSeed("M002", 500, "5678")))


@pytest.fixture
def sim(tmp_path, keys_dir, sim_config):
    with start_simulator(tmp_path / "host-sim.db", keys_dir, sim_config) as running:
        yield running


def make_client(sim, keys_dir: Path, *, private_key_file: str = TERMINAL_PRIVATE,
                host_public_file: str = HOST_PUBLIC, **overrides) -> HostClient:
    settings = HostSettings(base_url=sim.url if sim else "http://127.0.0.1:9/gateway.do",
                            read_timeout_s=READ_TIMEOUT_S, connect_timeout_s=1.0,
                            connect_retry_delay_s=0.01, **overrides)
    return HostClient(settings, terminal_id=TERMINAL_ID,
                      private_key=load_private_key(keys_dir / private_key_file),
                      host_public_key=load_public_key(keys_dir / host_public_file))


@pytest.fixture
def client(sim, keys_dir):
    with make_client(sim, keys_dir) as host_client:
        yield host_client


def new_trade_no() -> str:
    return f"{TERMINAL_ID}20260501{next(_serial):08d}"


def pay_request(behaviour: Behaviour = Behaviour.APPROVE, *, total_fen: int = 1234,
                out_trade_no: str | None = None, auth_code: str | None = None) -> PayRequest:
    return PayRequest(out_trade_no=out_trade_no or new_trade_no(),
                      auth_code=auth_code or code_for(behaviour, next(_serial)),
                      total_fen=total_fen, subject="测试 test", terminal_id=TERMINAL_ID)
