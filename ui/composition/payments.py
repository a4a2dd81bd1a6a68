"""Wiring of the payment core: journal, host client, wallet payments, refunds, resolver."""

from __future__ import annotations

from pathlib import Path

from drivers.host.client import HostClient
from offline_queue.journal import SqliteJournal
from offline_queue.journal_identity import check_journal_present
from offline_queue.resolver_worker import ResolverWorker
from terminal.clock import SystemClock
from terminal.connectivity import ConnectivityMonitor
from terminal.refund import Refunds
from terminal.resolution import Resolver
from terminal.wallet_payment import WalletPayment
from ui.composition.context import AppContext


def database_path(ctx: AppContext) -> Path:
    return ctx.path(ctx.settings.storage.database_file)


def store_path_to_open(ctx: AppContext) -> Path:
    """The store's path, for opening it (which creates it when missing): raises
    JournalMissing when the store is missing or empty although this terminal has keys,
    so that a lost journal is never silently replaced by a new one."""
    path = database_path(ctx)
    check_journal_present(path, (ctx.path(ctx.settings.host.private_key_file),))
    return path


def open_journal(ctx: AppContext, *, check_integrity: bool = True) -> SqliteJournal:
    """The journal for this thread; closed with the context."""
    journal = SqliteJournal.open(store_path_to_open(ctx),
                                 busy_timeout_ms=ctx.settings.storage.busy_timeout_ms,
                                 check_integrity=check_integrity)
    ctx.on_close(journal.close)
    return journal


def open_host(ctx: AppContext) -> HostClient:
    """The run's one host client (``AppContext.host_client``): it names this terminal's
    journal (its epoch) in every request."""
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
