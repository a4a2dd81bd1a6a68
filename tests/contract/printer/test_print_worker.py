"""Print jobs end to end: durable queue + worker + real serial driver + emulator."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from drivers.printer.emulator import PrinterFaults
from offline_queue.print_jobs import DONE, FAILED_WAITING, PRINTING, QUEUED, PrintJobStore
from offline_queue.print_worker import PrintWorker
from tests.contract.printer.conftest import make_printer
from tests.unit.drivers.printer.conftest import example_receipt

REPO = Path(__file__).resolve().parents[3]
JOB = "T000126112300000042:sale"


@pytest.fixture
def store(tmp_path):
    s = PrintJobStore.open(tmp_path / "payterm.db")
    yield s
    s.close()


def paper(emulator, count: int, timeout_s: float = 5.0) -> list:
    """The first ``count`` pieces of paper with something on them: a job sent again
    after being cut short starts with feed + cut, which may leave a blank slip."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [r for r in emulator.receipts() if r.elements]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.005)


def worker_for(store, printer, events=None) -> PrintWorker:
    return PrintWorker(store.path, printer, retry_interval_s=0.05,
                       listener=(events.append if events is not None else None))


def test_job_prints_once_and_enqueueing_again_does_nothing(emulator, printer, store):
    worker = worker_for(store, printer)
    assert worker.submit(example_receipt()) is True
    assert worker.drain(store) == 1
    assert worker.submit(example_receipt()) is False
    assert worker.drain(store) == 0
    assert len(emulator.wait_for_receipts(1)) == 1 and store.get(JOB).state == DONE
    time.sleep(0.05)
    assert len(emulator.receipts()) == 1


def test_paper_out_mid_job_then_refilled_prints_again_in_full_marked_reprint(
        emulator, printer, store):
    events = []
    worker = worker_for(store, printer, events)
    store.enqueue(example_receipt())
    emulator.set_faults(paper_out_after_bytes=300)       # the roll ends mid-receipt
    assert worker.run_once(store) is False
    job = store.get(JOB)
    assert job.state == FAILED_WAITING and "paper out" in job.last_error
    assert events[-1].kind == "cut_short"
    (partial,) = emulator.wait_for_receipts(1)
    assert partial.truncated and "合计" not in partial.text

    assert worker.run_once(store) is False                # still out: nothing is sent
    assert events[-1].kind == "waiting" and events[-1].status.paper_out
    assert len(emulator.receipts()) == 1

    emulator.set_faults(paper_out=False)                  # refilled
    assert worker.run_once(store) is True
    full = paper(emulator, 2)[1]
    assert not full.truncated and full.cut
    assert full.lines[0].strip() == "重打印 REPRINT #1"
    assert "合计" in full.text and full.codes("qr") == [example_receipt().qr_payload]
    assert store.get(JOB).state == DONE and store.get(JOB).sends == 2
    assert worker.run_once(store) is False and len(paper(emulator, 3, 0.1)) == 2


def test_cover_open_holds_the_job_until_closed(emulator, printer, store):
    worker = worker_for(store, printer)
    store.enqueue(example_receipt())
    emulator.set_faults(cover_open=True)
    assert worker.run_once(store) is False
    assert store.get(JOB).state == QUEUED and emulator.receipts() == []
    emulator.set_faults(cover_open=False)
    assert worker.run_once(store) is True
    (printed,) = emulator.wait_for_receipts(1)
    assert "REPRINT" not in printed.text                  # never sent before: the original


def test_cover_opened_during_the_job_leaves_it_waiting(emulator, printer, store):
    worker = worker_for(store, printer)
    store.enqueue(example_receipt())
    emulator.set_faults(cover_open_after_bytes=200)
    assert worker.run_once(store) is False
    assert store.get(JOB).state == FAILED_WAITING and "cover open" in store.get(JOB).last_error
    emulator.set_faults(cover_open=False)
    assert worker.run_once(store) is True
    printed = paper(emulator, 2)
    assert printed[0].truncated and printed[1].lines[0].strip() == "重打印 REPRINT #1"


def test_silent_printer_job_not_marked_done_and_nothing_hangs(emulator_factory, store):
    emu = emulator_factory(faults=PrinterFaults(silent=True))
    printer = make_printer(emu.port, status_timeout_ms=50)
    events = []
    worker = worker_for(store, printer, events)
    store.enqueue(example_receipt())
    try:
        assert worker.run_once(store) is False
    finally:
        printer.close()
    assert store.get(JOB).state == QUEUED and emu.receipts() == []
    assert events[-1].kind == "waiting" and not events[-1].status.known


def test_printer_going_silent_after_the_job_is_not_done(emulator, printer, store):
    store.enqueue(example_receipt())
    worker = worker_for(store, printer)
    original = printer.print_receipt

    def print_then_die(receipt, **options):
        sent = original(receipt, **options)
        emulator.set_faults(silent=True)
        return sent

    printer.print_receipt = print_then_die
    assert worker.run_once(store) is False
    job = store.get(JOB)
    assert job.state == FAILED_WAITING and "unknown" in job.last_error


def test_device_vanishing_keeps_the_job_queued(emulator, printer, store):
    events = []
    worker = worker_for(store, printer, events)
    store.enqueue(example_receipt())
    emulator.stop()
    assert worker.run_once(store) is False
    assert store.get(JOB).state == QUEUED
    assert events[-1].kind == "device_error"


def test_worker_thread_prints_and_stops_promptly(emulator, printer, store):
    worker = worker_for(store, printer)
    worker.start()
    try:
        worker.submit(example_receipt())
        assert len(emulator.wait_for_receipts(1)) == 1
    finally:
        assert worker.stop(timeout_s=5)
    assert PrintJobStore.open(worker.store_path).get(JOB).state == DONE


def test_reprint_last_on_demand(emulator, printer, store):
    worker = worker_for(store, printer)
    worker.submit(example_receipt())
    worker.drain(store)
    store.request_reprint()
    worker.drain(store)
    store.request_reprint()
    worker.drain(store)
    printed = emulator.wait_for_receipts(3)
    assert [r.lines[0].strip() for r in printed[1:]] == ["重打印 REPRINT #1", "重打印 REPRINT #2"]


CHILD = """
import sys
from drivers.printer.profiles import PROFILES
from drivers.printer.serial_printer import SerialPrinter
from offline_queue.print_jobs import PrintJobStore
from offline_queue.print_worker import PrintWorker
from tests.unit.drivers.printer.conftest import example_receipt
store = PrintJobStore.open(sys.argv[1])
printer = SerialPrinter(sys.argv[2], PROFILES["generic-80"], baud=9600, flow_control="none",
                        status_timeout_ms=5000)
worker = PrintWorker(sys.argv[1], printer)
worker.submit(example_receipt())
worker.drain(store)
"""


def test_process_killed_while_printing_reprints_in_full_after_restart(emulator_factory,
                                                                      tmp_path):
    emu = emulator_factory(baud=9600)          # slow enough to kill the child mid-job
    db = tmp_path / "payterm.db"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), emu.port], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        state = wait_for_state(db, PRINTING, child)
        assert state == PRINTING
        # Part of the receipt must be on paper when the power goes: wait for the first
        # few lines' bytes (the whole job takes ~1 s at 9600 baud).
        deadline = time.monotonic() + 10
        while emu.received_bytes < 200 and time.monotonic() < deadline:
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)      # power cut while the receipt is printing
    finally:
        _, stderr = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL, stderr.decode(errors="replace")
    store = PrintJobStore.open(db)
    assert store.get(JOB).state == PRINTING
    wait_until_line_idle(emu)                 # what the child had sent has arrived
    printer = make_printer(emu.port, baud=9600, status_timeout_ms=500)
    worker = PrintWorker(db, printer, retry_interval_s=0.05)
    assert store.recover_interrupted() == [JOB]
    assert worker.drain(store) == 1
    printer.close()
    stub, whole = paper(emu, 2, timeout_s=10)
    # The cut-short original is cut off before the full reprint starts on fresh paper.
    assert stub.cut and stub.lines and "重打印" not in stub.text
    assert whole.lines[0].strip() == "重打印 REPRINT #1" and "合计" in whole.text
    assert whole.cut and whole.codes("qr") == [example_receipt().qr_payload]
    assert store.get(JOB).state == DONE
    store.close()


def wait_for_state(db: Path, wanted: str, child, timeout_s: float = 60.0) -> str | None:
    """Poll the job's state with plain read-only queries (no migrations, no locks)."""
    deadline = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < deadline and state != wanted and child.poll() is None:
        time.sleep(0.01)
        if not db.exists():
            continue
        try:
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
                row = conn.execute("SELECT state FROM print_jobs WHERE job_id = ?",
                                   [JOB]).fetchone()
        except sqlite3.OperationalError:    # schema not created yet
            continue
        state = row[0] if row else None
    return state


def wait_until_line_idle(emu, quiet_s: float = 0.3, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    seen, since = emu.received_bytes, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if emu.received_bytes != seen:
            seen, since = emu.received_bytes, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


@pytest.mark.parametrize("fault", ["power_cycle_after_bytes", "disconnect_after_bytes"])
def test_serial_printer_lost_mid_receipt_prints_the_whole_receipt_once(emulator, printer,
                                                                      store, fault):
    """Power cut (the printer goes deaf while it boots) or the USB-serial adapter pulled
    (the device node vanishes and comes back): one whole receipt, marked, never two."""
    emulator.set_faults(**{fault: 400}, boot_s=1.0)        # printers boot in 1-3 s
    worker = worker_for(store, printer)
    store.enqueue(example_receipt())
    assert worker.run_once(store) is False
    assert store.get(JOB).state == FAILED_WAITING
    deadline = time.monotonic() + 10
    while store.get(JOB).state != DONE and time.monotonic() < deadline:
        worker.run_once(store)
        time.sleep(0.05)
    assert store.get(JOB).state == DONE
    pieces = paper(emulator, 2)
    whole = [r for r in pieces if r.cut and not r.truncated]
    assert len(whole) == 1 and whole[0].lines[0].strip() == "重打印 REPRINT #1"
    assert "合计" in whole[0].text
    assert all(r.truncated for r in pieces if r is not whole[0])
