"""The signed ping through the real host client (``drivers.host.client``)."""

from __future__ import annotations

from drivers.host.client import open_host_client
from terminal.host_messages import PingAnswer
from ui.diagnostics.environment import DiagEnvironment


def signed_ping(env: DiagEnvironment) -> PingAnswer:
    """A signed round trip to the host: proves the keys match on both sides.

    Raises ConfigError when the key files are missing or unusable, HostError
    (HostUnreachable, HostRejected for a bad signature, OutcomeUnknown) otherwise.
    """
    client = open_host_client(env.settings.host, terminal_id=env.settings.terminal.terminal_id,
                              data_dir=env.data_dir, wall_clock=env.now)
    try:
        return client.ping()
    finally:
        client.close()
