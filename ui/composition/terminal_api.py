"""Wiring of the Terminal API: engine, key and certificate, HTTP server, workers.

``payterm serve`` and ``payterm run`` (the kiosk) both call ``start_terminal_api``; the
kiosk passes its screen as the customer input and listens to the progress events.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from offline_queue.end_of_day import close_day, find_blockers, today
from offline_queue.journal import SqliteJournal
from offline_queue.pos_api_store import PosApiStore
from offline_queue.print_jobs import PrintJobStore
from terminal.clock import SystemClock
from terminal.errors import TerminalError
from terminal.payment_code import DuplicateCodeGuard
from terminal.receipt import Receipt, ReceiptKind
from terminal.refund import Refunds
from terminal.wallet_payment import WalletPayment
from ui.composition.context import AppContext
from ui.composition.payments import database_path, open_host, store_path_to_open
from ui.services.ping_report import ReportingPing, ping_report
from ui.services.print_service import preview_text, receipt_for
from ui.terminal_api.auth import BearerAuth
from ui.terminal_api.credentials import PosApiCredentials, ensure_credentials
from ui.terminal_api.deps import ApiDeps, CustomerInput
from ui.terminal_api.engine import TerminalApi
from ui.terminal_api.http_app import build_app
from ui.terminal_api.server import ApiServer

log = logging.getLogger(__name__)


def credentials(ctx: AppContext) -> PosApiCredentials:
    return ensure_credentials(ctx.settings, ctx.path)


def poi_id(ctx: AppContext) -> str:
    return ctx.settings.pos_api.poi_id or ctx.settings.terminal.terminal_id


def build_engine(ctx: AppContext, *, monitor=None,
                 customer_input: CustomerInput | None = None) -> TerminalApi:
    settings = ctx.settings
    host = open_host(ctx)
    clock = SystemClock()
    guard = DuplicateCodeGuard(settings.terminal.duplicate_code_window_s)
    busy_ms = settings.storage.busy_timeout_ms

    def open_journal() -> SqliteJournal:
        return SqliteJournal.open(store_path_to_open(ctx), busy_timeout_ms=busy_ms)

    def open_store() -> PosApiStore:
        return PosApiStore.open(database_path(ctx), busy_timeout_ms=busy_ms)

    def end_of_day(journal: SqliteJournal) -> dict:
        now = time.time()
        day = today(now)
        blockers = find_blockers(journal)
        if blockers:
            return {"day": day.isoformat(), "closed": False, "blockers": blockers,
                    "z_report": {}, "reconciliation": {}}
        return close_day(journal, host, day, now).as_dict()

    def diagnosis() -> dict:
        facts: dict = {}
        def report() -> dict:
            journal = open_journal()
            try:
                return ping_report(journal.db, ctx.data_dir)
            finally:
                journal.close()

        try:
            ReportingPing(host, report).ping()     # version, backlog, last diag: to the host
            facts["host_reachable"] = True
        except TerminalError as exc:
            facts["host_reachable"] = False
            facts["payterm.host_problem"] = type(exc).__name__
        jobs = PrintJobStore.open(database_path(ctx), busy_timeout_ms=busy_ms)
        try:
            counts = jobs.counts()
        finally:
            jobs.close()
        waiting = counts.get("failed_waiting", 0)
        facts["printer"] = "OutOfOrder" if waiting else "OK"
        facts["payterm.print_jobs_waiting"] = str(waiting + counts.get("queued", 0))
        return facts

    def enqueue_print(job_id: str, document: str, lines: tuple[str, ...]) -> bool:
        receipt = Receipt(merchant_name=settings.terminal.merchant_name,
                          terminal_id=settings.terminal.terminal_id, out_trade_no="",
                          created_at=time.strftime("%Y-%m-%d %H:%M:%S"), total_fen=0,
                          tender_label="", kind=ReceiptKind.DOCUMENT, store_name=document,
                          text_lines=lines)
        jobs = PrintJobStore.open(database_path(ctx), busy_timeout_ms=busy_ms)
        try:
            return jobs.enqueue(receipt, job_id)
        finally:
            jobs.close()

    deps = ApiDeps(
        settings=settings, poi_id=poi_id(ctx), open_journal=open_journal,
        open_store=open_store,
        wallet_payment=lambda journal: WalletPayment(host, journal, settings, clock,
                                                     guard=guard, connectivity=monitor),
        refunds=lambda journal: Refunds(host, journal, clock),
        receipt_lines=lambda attempt: tuple(
            preview_text(receipt_for(attempt, settings)).splitlines()),
        close_day=end_of_day, diagnosis=diagnosis, enqueue_print=enqueue_print,
        customer_input=customer_input)
    return TerminalApi(deps)


@dataclass
class RunningApi:
    engine: TerminalApi
    server: ApiServer
    credentials: PosApiCredentials
    serial: object = None

    def stop(self) -> None:
        if self.serial is not None:
            self.serial.stop()
            self.serial = None
        self.engine.deps.events.close()     # ends the POS displays' event streams
        self.server.stop()
        self.engine.close()


def start_terminal_api(ctx: AppContext, *, monitor=None,
                       customer_input: CustomerInput | None = None) -> RunningApi:
    """Build and start the API; stopped with the context."""
    creds = credentials(ctx)
    engine = build_engine(ctx, monitor=monitor, customer_input=customer_input)
    auth = BearerAuth(creds.key, ctx.settings.pos_api.auth_failures_per_minute)
    server = ApiServer(build_app(engine, auth), ctx.settings, creds)
    server.start()
    running = RunningApi(engine, server, creds)
    ctx.on_close(running.stop)
    cfg = ctx.settings.pos_api
    if cfg.serial_port:
        from ui.terminal_api.serial_link import SerialLink
        link = SerialLink(engine, cfg.serial_port, cfg.serial_baud,
                          max_line=cfg.max_body_bytes, line_timeout_s=cfg.body_read_timeout_s)
        link.start()
        running.serial = link
    return running


def serve_headless(ctx: AppContext, stop, *, on_ready=None) -> RunningApi:
    """``payterm serve``: the terminal without a window. Workers from the settings (the
    resolver, the offline forwarder, the printer), then the API; returns when ``stop``
    (a threading.Event) is set."""
    from offline_queue.resolver_worker import ResolverWorker
    from ui.composition.kiosk_services import configured_printer
    from ui.composition.offline import connectivity, sync_worker

    monitor = connectivity(ctx)
    running = start_terminal_api(ctx, monitor=monitor)
    engine = running.engine
    host = open_host(ctx)
    resolver = ResolverWorker(database_path(ctx), host, ctx.settings.resolver, SystemClock(),
                              on_update=engine.on_resolved)
    resolver.start()
    ctx.on_close(resolver.stop)
    if not ctx.settings.offline.forced_offline:
        sync_worker(ctx, host, monitor).start()
    printer, problem = configured_printer(ctx)
    if printer is not None:
        printer.start()
        ctx.on_close(printer.stop)
    else:
        log.info("serve: no printer (%s)", problem)
    engine.sweep_aborted()
    if on_ready is not None:
        on_ready(running, problem)
    while not stop.wait(0.5):
        pass
    return running
