"""What the real services share: the context, the bridge, the connectivity monitor and
per-worker resources (each worker thread opens its own SQLite connection and host
client, as the journal and the store require)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from offline_queue.journal import SqliteJournal
from terminal.connectivity import ConnectivityMonitor
from terminal.errors import TerminalError
from ui.context import AppContext
from ui.services.bridge import BridgePoster
from ui.services.worker import ServiceWorker
from ui.wiring.offline import open_outbox
from ui.wiring.payments import host_client, store_path_to_open

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    ctx: AppContext
    bridge: BridgePoster          # the ServiceBridge's poster (any thread)
    monitor: ConnectivityMonitor
    host_problem: str = ""          # bilingual: why there is no host client, "" if fine

    def worker(self, name: str) -> ServiceWorker:
        return ServiceWorker(name, self.bridge.task_failed.emit)

    # ``bridge`` here is the ServiceBridge's poster: safe to call from any thread.

    def journal(self, worker: ServiceWorker) -> SqliteJournal:
        s = self.ctx.settings.storage
        return worker.thread_resource(
            "journal", lambda: SqliteJournal.open(store_path_to_open(self.ctx),
                                                  busy_timeout_ms=s.busy_timeout_ms),
            lambda journal: journal.close())

    def outbox(self, worker: ServiceWorker):
        journal = self.journal(worker)
        return worker.thread_resource("outbox", lambda: open_outbox(self.ctx, journal))

    def host(self, worker: ServiceWorker):
        """This worker's host client; None when forced offline or the keys are missing."""
        if self.ctx.settings.offline.forced_offline:
            return None

        def make():
            try:
                return host_client(self.ctx)
            except TerminalError as exc:
                log.warning("no host client: %s", exc)
                self.host_problem = exc.user_message
                return None
        return worker.thread_resource("host", make,
                                      lambda client: client.close() if client else None)
