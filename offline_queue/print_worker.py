"""The printer's one owning thread: takes jobs from the durable queue and prints them.

For each job: status first (a printer that is not ready, silent or gone gets nothing),
``start_printing`` committed, the bytes sent, then the status once the printer has
processed the job (``status_after_job``: its print-end answer, over any link). Only a
complete, valid, ready status after the job marks it done; anything else (paper out, cover open, no
answer, a write that failed) leaves it ``failed_waiting`` to be printed again in full,
marked REPRINT, once the printer reports ready. The thread is a BackgroundLoop: waits
between attempts end at ``wake()`` or ``stop()``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable

from offline_queue.print_jobs import FAILED_WAITING, PrintJobStore
from terminal.background_loop import BackgroundLoop
from terminal.errors import DeviceError
from terminal.ports.printer import PrinterStatus, ReceiptPrinter
from terminal.receipt import Receipt

log = logging.getLogger(__name__)


class PrintEventKind(str, Enum):
    """What happened to the print queue (str values: the names listeners always saw)."""
    PRINTED = "printed"            # a job printed and the printer is ready after it
    CUT_SHORT = "cut_short"        # the printer stopped mid-job: it prints again in full
    WAITING = "waiting"            # the printer is not ready (paper, cover, silent)
    DEVICE_ERROR = "device_error"  # the printer could not be reached or written to
    IDLE = "idle"                  # nothing to print

    @property
    def is_problem(self) -> bool:
        """A state the staff should hear about (the receipt prints when it is fixed)."""
        return self in (PrintEventKind.WAITING, PrintEventKind.CUT_SHORT,
                        PrintEventKind.DEVICE_ERROR)


@dataclass(frozen=True)
class PrintEvent:
    """Reported to the listener (the GUI bridge re-emits it as a Qt signal)."""
    kind: PrintEventKind
    job_id: str = ""
    status: PrinterStatus | None = None
    message: str = ""


class PrintWorker:
    def __init__(self, store_path: Path | str, printer: ReceiptPrinter, *,
                 retry_interval_s: float = 2.0, idle_poll_s: float = 5.0,
                 listener: Callable[[PrintEvent], None] | None = None) -> None:
        self.store_path = Path(store_path)
        self.printer = printer
        self.retry_interval_s = retry_interval_s
        self.idle_poll_s = idle_poll_s
        self.listener = listener
        self._store: PrintJobStore | None = None
        self._loop = BackgroundLoop("print-worker", self._step, setup=self._open,
                                    teardown=self._close, on_error=self._after_error,
                                    logger=log)

    # -- any thread ---------------------------------------------------------------------
    def submit(self, receipt: Receipt, job_id: str | None = None) -> bool:
        """Durably enqueue a receipt (on the caller's own connection) and wake the
        worker. Returns False when that job id was already queued or printed."""
        store = PrintJobStore.open(self.store_path)
        try:
            added = store.enqueue(receipt, job_id)
        finally:
            store.close()
        self._loop.wake()
        return added

    def wake(self) -> None:
        """Look at the queue now (after ``request_reprint`` or a paper refill)."""
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Signal and join; True when the thread ended within ``timeout_s``."""
        return self._loop.stop(timeout_s)

    # -- the worker thread ----------------------------------------------------------------
    def _open(self) -> None:
        self._store = PrintJobStore.open(self.store_path)
        try:
            recovered = self._store.recover_interrupted()
        except BaseException:
            self._close()
            raise
        if recovered:
            log.warning("print jobs cut short by a restart: %s", ", ".join(recovered))

    def _close(self) -> None:
        try:
            self.printer.close()
        finally:
            if self._store is not None:
                self._store.close()
            self._store = None

    def _step(self) -> float:
        assert self._store is not None
        return 0.0 if self.run_once(self._store) else self.retry_interval_s

    def _after_error(self, exc: Exception) -> float:
        return self.retry_interval_s

    def run_once(self, store: PrintJobStore) -> bool:
        """Try the oldest pending job once. Returns True when it printed (look again
        at once), False when there was nothing to do or the printer was not ready.
        Public so that the CLI can drain the queue without a thread."""
        job = store.next_pending()
        if job is None:
            self.printer.release_idle()
            self._emit(PrintEvent(PrintEventKind.IDLE))
            return False
        try:
            before = self.printer.status()
        except DeviceError as exc:
            self._emit(PrintEvent(PrintEventKind.DEVICE_ERROR, job.job_id, message=str(exc)))
            return False
        if not before.ready:
            self._emit(PrintEvent(PrintEventKind.WAITING, job.job_id, before, before.describe()))
            return False
        cut_short_before = job.state == FAILED_WAITING
        receipt = store.start_printing(job.job_id)
        try:
            self.printer.print_receipt(receipt, after_cut_short=cut_short_before)
            # Not merely received: processed through the cut (a LAN/USB printer holds
            # the whole job in its buffer, where a power cut would lose its tail).
            after = self.printer.status_after_job()
        except DeviceError as exc:
            store.mark_failed(job.job_id, f"device error: {exc}")
            self._emit(PrintEvent(PrintEventKind.DEVICE_ERROR, job.job_id, message=str(exc)))
            return False
        if not after.ready:
            store.mark_failed(job.job_id, after.describe())
            self._emit(PrintEvent(PrintEventKind.CUT_SHORT, job.job_id, after, after.describe()))
            return False
        store.mark_done(job.job_id)
        self._emit(PrintEvent(PrintEventKind.PRINTED, job.job_id, after,
                              f"reprint #{receipt.reprint_count}" if receipt.reprint_count
                              else ""))
        return True

    def drain(self, store: PrintJobStore, max_jobs: int = 100) -> int:
        """Print pending jobs on the calling thread until none is left or the printer
        stops being ready; returns how many printed."""
        printed = 0
        while printed < max_jobs and self.run_once(store):
            printed += 1
        return printed

    def _emit(self, event: PrintEvent) -> None:
        if self.listener is None:
            return
        try:
            self.listener(event)
        except Exception:  # a listener's bug must not stop printing
            log.exception("print listener failed")

