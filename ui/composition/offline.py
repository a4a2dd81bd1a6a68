"""Wiring of offline payments: store key, outbox, connectivity, tenders, sync worker."""

from __future__ import annotations

from terminal.clock import SystemClock
from terminal.cash_payment import CashPayment
from terminal.connectivity import ConnectivityMonitor
from terminal.member_payment import MemberPayment
from offline_queue.journal import SqliteJournal
from offline_queue.outbox import Outbox
from offline_queue.outbox_sealing import OutboxSealer
from offline_queue.outbox_sync import OutboxSync
from offline_queue.sync_worker import PassResult, SyncWorker, sync_pass
from ui.composition.context import AppContext
from ui.composition.payments import open_host, store_path_to_open

#: The key that encrypts member ids and match evidence at rest (0600, outside the DB).
STORE_KEY_FILE = "keys/store.key"


def open_sealer(ctx: AppContext) -> OutboxSealer:
    return OutboxSealer.from_key_file(ctx.path(STORE_KEY_FILE))


def open_outbox(ctx: AppContext, journal: SqliteJournal) -> Outbox:
    """The outbox on ``journal``'s connection (same thread), with the free-disk floor."""
    return Outbox(journal, open_sealer(ctx),
                  min_free_bytes=ctx.settings.storage.min_free_disk_mb * 2**20)


def connectivity(ctx: AppContext) -> ConnectivityMonitor:
    """Online until a host call says otherwise (or ``offline.forced_offline``)."""
    return ConnectivityMonitor(ctx.settings.offline, SystemClock())


def open_host_unless_forced_offline(ctx: AppContext):
    """No host client (and no need for its keys) when forced offline."""
    return None if ctx.settings.offline.forced_offline else open_host(ctx)


def member_payment(ctx: AppContext, host, journal: SqliteJournal, outbox: Outbox,
                   monitor: ConnectivityMonitor) -> MemberPayment:
    return MemberPayment(host, journal, outbox, ctx.settings, SystemClock(), monitor)


def cash_payment(ctx: AppContext, outbox: Outbox, monitor: ConnectivityMonitor) -> CashPayment:
    return CashPayment(outbox, ctx.settings, SystemClock(), monitor)


def sync_now(ctx: AppContext, outbox: Outbox, host, monitor: ConnectivityMonitor | None = None,
             max_batches: int = 1_000_000) -> PassResult:
    """One pass on this thread's connection (CLI commands have no background worker)."""
    return sync_pass(OutboxSync(outbox, ctx.settings.offline), host, SystemClock(),
                     ctx.settings.offline, monitor=monitor, max_batches=max_batches)


def sync_worker(ctx: AppContext, host, monitor: ConnectivityMonitor, on_pass=None) -> SyncWorker:
    """The background forwarder for the kiosk; start() it, stop() it on close."""
    worker = SyncWorker(store_path_to_open(ctx), open_sealer(ctx), host, ctx.settings.offline,
                        SystemClock(), monitor=monitor, health=host,
                        busy_timeout_ms=ctx.settings.storage.busy_timeout_ms, on_pass=on_pass)
    ctx.on_close(worker.stop)
    return worker
