"""What the kiosk services need from the composition root, as a Protocol.

The services do not build anything: ``ui.composition.kiosk_runtime.KioskRuntime``
implements this and hands each service what it asks for. Resources made per worker
(a SQLite connection, the outbox on it, the tenders on both) live on that worker's
thread only, as SQLite requires; the host client is the run's one shared client.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from drivers.host.client import HostClient
from offline_queue.journal import SqliteJournal
from offline_queue.outbox import Outbox
from terminal.cash_payment import CashPayment
from terminal.connectivity import ConnectivityMonitor
from terminal.member_payment import MemberPayment
from terminal.refund import Refunds
from terminal.settings.model import Settings
from terminal.wallet_payment import WalletPayment
from ui.services.worker import ServiceWorker

if TYPE_CHECKING:  # the poster is a plain object; only its type lives with the bridge
    from ui.services.bridge import BridgePoster


class ServiceResources(Protocol):
    settings: Settings
    monitor: ConnectivityMonitor

    @property
    def bridge(self) -> "BridgePoster":
        """The bridge's poster: report to the GUI thread from any thread."""

    @property
    def data_dir(self) -> Path:
        """The terminal's data directory."""

    @property
    def host_problem(self) -> str:
        """Why there is no host client (bilingual), "" when there is one."""

    def worker(self, name: str) -> ServiceWorker:
        """A new named worker thread whose failures are reported as sentences."""

    def host(self) -> HostClient | None:
        """The run's one host client; None when forced offline or the keys are
        missing (``host_problem`` says why)."""

    def journal(self, worker: ServiceWorker) -> SqliteJournal:
        """``worker``'s own journal connection (call from its jobs only)."""

    def outbox(self, worker: ServiceWorker) -> Outbox:
        """The outbox on ``worker``'s journal connection."""

    def wallet_payment(self, worker: ServiceWorker) -> WalletPayment | None:
        """The payment-code tender on ``worker`` (None without a host client)."""

    def member_payment(self, worker: ServiceWorker) -> MemberPayment:
        """The member (face-pay) tender on ``worker``; offline within the limits."""

    def cash_payment(self, worker: ServiceWorker) -> CashPayment:
        """The cash tender on ``worker``."""

    def refunds(self, worker: ServiceWorker) -> Refunds | None:
        """Refunds on ``worker`` (None without a host client)."""
