"""Wiring of the payment core: journal, host client, wallet payments, refunds, resolver."""

from __future__ import annotations

from pathlib import Path

from drivers.host.client import HostClient, open_host_client
from offline_queue.journal import SqliteJournal
from offline_queue.journal_identity import check_journal_present, read_epoch
from offline_queue.resolver_worker import ResolverWorker
from terminal.clock import SystemClock
from terminal.refund import Refunds
from terminal.resolution import Resolver
from terminal.wallet_payment import WalletPayment
from ui.context import AppContext


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


def host_client(ctx: AppContext) -> HostClient:
    """A host client that names this terminal's journal (its epoch) in every request, so
    the host can tell two journals of one terminal id apart. Raises ConfigError when a
    key file is missing or unusable. The caller closes it."""
    return open_host_client(ctx.settings.host, terminal_id=ctx.settings.terminal.terminal_id,
                            data_dir=ctx.data_dir, journal_epoch=read_epoch(database_path(ctx)))


def open_host(ctx: AppContext) -> HostClient:
    client = host_client(ctx)
    ctx.on_close(client.close)
    return client


def wallet_payment(ctx: AppContext, host, journal) -> WalletPayment:
    return WalletPayment(host, journal, ctx.settings, SystemClock())


def refunds(ctx: AppContext, host, journal) -> Refunds:
    return Refunds(host, journal, SystemClock())


def resolver(ctx: AppContext, host, journal) -> Resolver:
    return Resolver(host, journal, ctx.settings.resolver, SystemClock())


def resolver_worker(ctx: AppContext, host, on_update=None) -> ResolverWorker:
    return ResolverWorker(database_path(ctx), host, ctx.settings.resolver, SystemClock(),
                          on_update=on_update)
