"""What the kiosk services share, built once: the settings, the bridge's poster, the
connectivity monitor, the run's one host client, and per-worker resources (each worker
thread opens its own SQLite connection, as the journal and the store require).

Implements ``ui.services.resources.ServiceResources``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from drivers.host.client import HostClient
from offline_queue.journal import SqliteJournal
from offline_queue.outbox import Outbox
from terminal.cash_payment import CashPayment
from terminal.connectivity import ConnectivityMonitor
from terminal.errors import TerminalError
from terminal.member_payment import MemberPayment
from terminal.refund import Refunds
from terminal.settings.model import Settings
from terminal.wallet_payment import WalletPayment
from ui.composition.context import AppContext
from ui.composition.offline import cash_payment, member_payment, open_outbox
from ui.composition.payments import refunds, store_path_to_open, wallet_payment
from ui.services.bridge import BridgePoster
from ui.services.worker import ServiceWorker

log = logging.getLogger(__name__)


@dataclass
class KioskRuntime:
    ctx: AppContext
    bridge: BridgePoster          # the ServiceBridge's poster (any thread)
    monitor: ConnectivityMonitor
    host_problem: str = ""        # bilingual: why there is no host client, "" if fine

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def data_dir(self) -> Path:
        return self.ctx.data_dir

    def worker(self, name: str) -> ServiceWorker:
        return ServiceWorker(name, self.bridge.task_failed.emit)

    def host(self) -> HostClient | None:
        if self.ctx.settings.offline.forced_offline:
            return None
        try:
            return self.ctx.host_client()
        except TerminalError as exc:
            log.warning("no host client: %s", exc)
            self.host_problem = exc.user_message
            return None

    def journal(self, worker: ServiceWorker) -> SqliteJournal:
        s = self.ctx.settings.storage
        return worker.thread_resource(
            "journal", lambda: SqliteJournal.open(store_path_to_open(self.ctx),
                                                  busy_timeout_ms=s.busy_timeout_ms),
            lambda journal: journal.close())

    def outbox(self, worker: ServiceWorker) -> Outbox:
        journal = self.journal(worker)
        return worker.thread_resource("outbox", lambda: open_outbox(self.ctx, journal))

    def wallet_payment(self, worker: ServiceWorker) -> WalletPayment | None:
        host = self.host()
        if host is None:
            return None
        journal = self.journal(worker)
        # One per worker: its duplicate-code guard must see every code this kiosk took.
        return worker.thread_resource(
            "wallet", lambda: wallet_payment(self.ctx, host, journal, self.monitor))

    def member_payment(self, worker: ServiceWorker) -> MemberPayment:
        return member_payment(self.ctx, self.host(), self.journal(worker), self.outbox(worker),
                              self.monitor)

    def cash_payment(self, worker: ServiceWorker) -> CashPayment:
        return cash_payment(self.ctx, self.outbox(worker), self.monitor)

    def refunds(self, worker: ServiceWorker) -> Refunds | None:
        host = self.host()
        return refunds(self.ctx, host, self.journal(worker)) if host is not None else None
