"""Benchmark of code reading: decode latency, success on the degraded set, camera loop.

Run: /tmp/venv/bin/python tests/bench/bench_scan.py [--cases 165] [--seconds 10]
Writes tests/bench/results/scan.json. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from drivers.camera.camera_frame_source import CameraFrameSource  # noqa: E402
from drivers.camera.screen_photo import PhoneScene, render_empty_scene, render_phone_photo  # noqa: E402
from drivers.camera.simulated_camera import SimulatedPhoneCamera, simulated_code  # noqa: E402
from drivers.scanner.camera_scan_worker import CameraScanWorker  # noqa: E402
from drivers.scanner.frame_preparation import to_gray  # noqa: E402
from drivers.scanner.frame_reader import FrameCodeReader  # noqa: E402
from drivers.scanner.pyzbar_decoder import PyzbarDecoder  # noqa: E402
from drivers.scanner.zxing_decoder import ZxingDecoder  # noqa: E402
from terminal.code_read import Symbology  # noqa: E402
from terminal.settings.model import Settings  # noqa: E402
from tests.unit.drivers.scanner.degraded_set import build_degraded_set  # noqa: E402


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2),
            "n": len(ordered)}


def latency(reader: FrameCodeReader, repeats: int) -> dict:
    rng = np.random.default_rng(99)
    with_code = [render_phone_photo(simulated_code(rng), Symbology.QR,
                                    PhoneScene(scale=float(rng.uniform(0.8, 0.95)),
                                               rotation_deg=float(rng.uniform(-10, 10))), rng)
                 for _ in range(10)]
    without = [render_empty_scene(640, 480, rng) for _ in range(10)]
    out = {}
    for name, frames in (("with_code", with_code), ("without_code", without)):
        samples, found = [], 0
        for _ in range(repeats):
            for frame in frames:
                started = time.perf_counter()
                decoded = reader.read_frame(frame)
                samples.append((time.perf_counter() - started) * 1000)
                found += decoded.found
        out[name] = {**percentiles(samples), "found": found}
    return out


def success_rates(reader: FrameCodeReader, count: int) -> dict:
    cases = build_degraded_set(count, seed=20240605)
    pyzbar, zxing = PyzbarDecoder(), ZxingDecoder()
    hits = {"pyzbar_alone": 0, "zxing_cpp_alone": 0, "payterm": 0}
    by_kind: dict[str, dict[str, int]] = {}
    for case in cases:
        gray = to_gray(case.image)
        result = {
            "pyzbar_alone": any(r.raw == case.payload for r in pyzbar.decode(gray)),
            "zxing_cpp_alone": any(r.raw == case.payload for r in zxing.decode(gray)),
            "payterm": any(r.read.raw == case.payload for r in reader.read_frame(case.image).reads),
        }
        kind = case.label.split("-")[1]
        row = by_kind.setdefault(kind, {"cases": 0, **{k: 0 for k in hits}})
        row["cases"] += 1
        for key, ok in result.items():
            hits[key] += ok
            row[key] += ok
    return {"cases": len(cases),
            "rate": {k: round(v / len(cases), 3) for k, v in hits.items()},
            "hits": hits, "by_kind": by_kind}


def camera_loop(fps: float, seconds: float, settings: Settings) -> dict:
    sim = SimulatedPhoneCamera(640, 480, frames_per_code=45, gap_frames=15)
    source = CameraFrameSource(sim.open, name="sim", fps=fps)
    worker = CameraScanWorker(source, FrameCodeReader.from_settings(settings.scanner),
                              repeat_window_s=settings.scanner.repeat_window_s,
                              on_scan=lambda decode: None)
    source.start()
    worker.start()
    source.latest(10.0)
    start_frames, start_decoded = source.status().frames_captured, worker.stats().frames_decoded
    started = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    status, stats = source.status(), worker.stats()
    worker.stop()
    source.stop()
    return {"configured_fps": fps, "seconds": round(elapsed, 2),
            "capture_fps": round((status.frames_captured - start_frames) / elapsed, 1),
            "decode_fps": round((stats.frames_decoded - start_decoded) / elapsed, 1),
            "frames_dropped_by_mailbox": status.frames_dropped,
            "codes_reported": stats.scans_reported}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=165, help="degraded set size")
    parser.add_argument("--repeats", type=int, default=5, help="latency repeats per frame")
    parser.add_argument("--seconds", type=float, default=10.0, help="camera loop duration")
    args = parser.parse_args()
    settings = Settings()
    reader = FrameCodeReader.from_settings(settings.scanner)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "note": "shared 2-core machine; other jobs were running"},
        "settings": {"decode_budget_ms": settings.scanner.decode_budget_ms,
                     "decode_max_side_px": settings.scanner.decode_max_side_px},
        "latency_640x480": latency(reader, args.repeats),
        "degraded_set": success_rates(reader, args.cases),
        "camera_loop_640x480": [camera_loop(30.0, args.seconds, settings),
                                camera_loop(60.0, args.seconds, settings)],
    }
    out = REPO / "tests" / "bench" / "results" / "scan.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
