"""Printing benchmark: receipt size, print wall time against the wire-time limit, and
status latency, with the real serial driver over a pty and the emulator pacing at the
baud rate (the LAN printer has its own: bench_print_lan.py). Run:
.venv/bin/python tests/bench/bench_print.py  (writes tests/bench/results/print.json)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from drivers.printer import commands as cmd  # noqa: E402
from drivers.printer.emulator import PrinterEmulator  # noqa: E402
from drivers.printer.encoder import (encode_receipt, encode_receipt_with_boundaries,  # noqa: E402
                                     qr_payload_for)
from drivers.printer.escpos_printer import heartbeat_chunks  # noqa: E402
from drivers.printer.profiles import PROFILES  # noqa: E402
from drivers.printer.raster_image import qr_raster_command  # noqa: E402
from drivers.printer.serial_printer import SerialPrinter  # noqa: E402
from drivers.printer.status_bytes import PRINT_END_QUERY, QUERY_ALL  # noqa: E402
from terminal.receipt import receipt_from_dict  # noqa: E402
from tests.bench._stats import percentile, summary_ms, write_results  # noqa: E402

RECEIPT = receipt_from_dict(json.loads((REPO / "docs/examples/receipt.json").read_text("utf-8")))
RUNS = {9600: 7, 115200: 25}


def receipt_sizes() -> dict:
    sizes = {}
    for name in ("generic-80", "generic-58"):
        profile = PROFILES[name]
        native = encode_receipt(RECEIPT, profile)
        payload = qr_payload_for(RECEIPT, "")
        qr_native = cmd.qr_code(payload, module_dots=profile.qr_module_dots)
        qr_raster = qr_raster_command(payload, module_dots=profile.qr_module_dots)
        assert qr_native in native
        sizes[name] = {"native_qr_bytes": len(native),
                       "raster_qr_bytes": len(native) - len(qr_native) + len(qr_raster),
                       "qr_command_native": len(qr_native), "qr_command_raster": len(qr_raster),
                       "target_bytes": 1500, "meets_target": len(native) <= 1500}
    return sizes


def print_times(baud: int, workdir: Path) -> dict:
    emu = PrinterEmulator(workdir / f"lp{baud}", baud=baud).start()
    printer = SerialPrinter(emu.port, PROFILES["generic-80"], baud=baud, flow_control="none",
                            status_timeout_ms=40)
    walls, overheads, statuses = [], [], []
    try:
        job, boundaries = encode_receipt_with_boundaries(RECEIPT, printer.profile,
                                                         printer.options)
        job_bytes = len(job)
        heartbeats = len(heartbeat_chunks(job, boundaries, printer.chunk_bytes))
        # What must cross the wire, as the print worker does it: status, the job with a
        # DLE EOT 1 heartbeat after each chunk, the print-end query (GS r) and, once it
        # is answered, status again. The line is full duplex, so of each answer only
        # the last byte adds time.
        wire_s = (job_bytes + 3 * heartbeats + 2 * len(QUERY_ALL) + len(PRINT_END_QUERY)
                  + 4 * 1) * 10 / baud
        for _ in range(RUNS[baud]):
            started = time.perf_counter()
            before = printer.status()
            printer.print_receipt(RECEIPT)
            after = printer.status_after_job()
            if not printer.last_job_confirmed:
                raise RuntimeError("print end not confirmed")
            wall = time.perf_counter() - started
            if not (before.ready and after.ready):
                raise RuntimeError(f"printer not ready: {before} / {after}")
            walls.append(wall)
            overheads.append(wall - wire_s)
            time.sleep(0.05)
        for _ in range(40):
            t0 = time.perf_counter()
            if not printer.status().known:
                raise RuntimeError("status unknown")
            statuses.append(time.perf_counter() - t0)
        received = len(emu.wait_for_receipts(RUNS[baud], timeout_s=30))
    finally:
        printer.close()
        emu.stop()
    return {"baud": baud, "job_bytes": job_bytes, "wire_limit_ms": round(wire_s * 1000, 2),
            "wall": summary_ms(walls), "overhead_beyond_wire": summary_ms(overheads),
            "overhead_target_ms": 50,
            "meets_target": percentile([o * 1000 for o in overheads], 95) <= 50,
            "status_latency": summary_ms(statuses),
            "status_wire_ms": round((len(QUERY_ALL) + 1) * 10 / baud * 1000, 2),
            "receipts_received": received}


def main() -> int:
    results = {"receipt_bytes": receipt_sizes(), "print": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for baud in (115200, 9600):
            results["print"][str(baud)] = print_times(baud, Path(tmp))
    results["machine_note"] = ("shared 2-core machine; emulator and driver in one process; "
                               "emulator paces reads at bytes*10/baud")
    write_results("print", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
