"""A terminal with its Terminal API on loopback (TLS, real key), a real host simulator,
and a POS client (drivers.pos_api) for the Terminal API tests."""

from __future__ import annotations

import itertools
import shutil
import socket
from pathlib import Path

import pytest

from drivers.host.keys import HOST_PUBLIC, TERMINAL_PRIVATE
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from drivers.pos_api.client import TerminalApiClient
from offline_queue.journal_identity import start_new_journal
from ui.composition.context import build_context
from ui.composition.terminal_api import start_terminal_api

TERMINAL_ID = "T0001"
CONFIG = """
[terminal]
terminal_id = "{terminal_id}"
[host]
base_url = "{url}"
connect_timeout_s = 0.5
read_timeout_s = 1.5
[resolver.alipay]
first_query_delay_s = 0.1
poll_interval_s = 0.2
poll_budget_s = 1.5
cancel_not_before_s = 0.3
cancel_retry_interval_s = 0.2
[resolver]
idle_sleep_s = 0.1
[pos_api]
listen = "127.0.0.1:{port}"
tls = {tls}
{extra}
"""
_codes = itertools.count(5000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_code(behaviour: Behaviour = Behaviour.APPROVE) -> str:
    return code_for(behaviour, next(_codes))


def prepare_terminal(data: Path, keys_dir: Path, sim_url: str, *, port: int | None = None,
                     tls: bool = True, extra: str = "") -> Path:
    """A data directory with keys and a journal, and its settings file."""
    (data / "keys").mkdir(parents=True, exist_ok=True)
    for name in (TERMINAL_PRIVATE, HOST_PUBLIC):
        shutil.copy(keys_dir / name, data / "keys" / name)
    start_new_journal(data / "payterm.db")
    config = data / "payterm.toml"
    config.write_text(CONFIG.format(terminal_id=TERMINAL_ID, url=sim_url,
                                    port=port or free_port(), tls=str(tls).lower(),
                                    extra=extra))
    return config


@pytest.fixture
def sim(tmp_path, keys_dir):
    config = SimulatorConfig(password_delay_s=0.8, slow_delay_s=1.0, cancel_retry_times=1)
    with start_simulator(tmp_path / "host-sim.db", keys_dir, config) as running:
        yield running


@pytest.fixture
def terminal(tmp_path, keys_dir, sim, request):
    extra = getattr(request, "param", "")
    data = tmp_path / "terminal"
    config = prepare_terminal(data, keys_dir, sim.url, extra=extra)
    ctx = build_context(str(data), str(config), env={}, with_logging=False)
    running = start_terminal_api(ctx)
    try:
        yield running
    finally:
        ctx.close()


def pos_client(running, sale_id: str = "POS1", **kwargs) -> TerminalApiClient:
    creds = running.credentials
    return TerminalApiClient(creds.url, creds.key, tls_sha256=creds.tls_sha256,
                             sale_id=sale_id, poi_id=TERMINAL_ID, **kwargs)


@pytest.fixture
def pos(terminal):
    with pos_client(terminal) as client:
        yield client
