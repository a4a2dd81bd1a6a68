"""Just what the kiosk's ``StatusService`` asks of its ``ServiceResources``, over real
parts: a real journal, a real host client, a real connectivity monitor; the statuses it
would post to the GUI thread are kept in ``statuses``."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from terminal.clock import SystemClock
from terminal.connectivity import ConnectivityMonitor
from terminal.settings.model import Settings


class StatusRuntime:
    def __init__(self, journal, client, data_dir: Path, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.monitor = ConnectivityMonitor(self.settings.offline, SystemClock())
        self.data_dir = data_dir
        self.host_problem = ""
        self.statuses: list = []
        self.bridge = SimpleNamespace(status_changed=SimpleNamespace(
            emit=self.statuses.append))
        self._journal, self._client = journal, client

    def worker(self, name: str):
        return SimpleNamespace(stop=lambda: None, name=name)

    def host(self):
        return self._client

    def journal(self, worker):
        return self._journal
