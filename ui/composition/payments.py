"""Wiring of the payment core: journal, host client, wallet payments, refunds, resolver."""

from __future__ import annotations

from pathlib import Path

from drivers.host.client import HostClient
from offline_queue.journal import SqliteJournal
from offline_queue.resolver_worker import ResolverWorker
from terminal.clock import SystemClock
from terminal.connectivity import ConnectivityMonitor
from terminal.refund import Refunds
from terminal.resolution import Resolver
from terminal.wallet_payment import WalletPayment
from ui.composition.context import AppContext


def database_path(ctx: AppContext) -> Path:
    return ctx.path(ctx.settings.storage.database_file)


def open_journal(ctx: AppContext, *, check_integrity: bool = True) -> SqliteJournal:
    """The journal for this thread; closed with the context."""
    journal = SqliteJournal.open(database_path(ctx),
                                 busy_timeout_ms=ctx.settings.storage.busy_timeout_ms,
                                 check_integrity=check_integrity)
    ctx.on_close(journal.close)
    return journal


def open_host(ctx: AppContext) -> HostClient:
    """The run's one host client (``AppContext.host_client``)."""
    return ctx.host_client()


def wallet_payment(ctx: AppContext, host, journal,
                   monitor: ConnectivityMonitor | None = None) -> WalletPayment:
    """The payment-code tender; with ``monitor`` it refuses up front when the host is
    known to be offline and reports each call's outcome to the monitor."""
    return WalletPayment(host, journal, ctx.settings, SystemClock(), connectivity=monitor)


def refunds(ctx: AppContext, host, journal) -> Refunds:
    return Refunds(host, journal, SystemClock())


def resolver(ctx: AppContext, host, journal) -> Resolver:
    return Resolver(host, journal, ctx.settings.resolver, SystemClock())


def resolver_worker(ctx: AppContext, host, on_update=None) -> ResolverWorker:
    return ResolverWorker(database_path(ctx), host, ctx.settings.resolver, SystemClock(),
                          on_update=on_update)
