"""Face-pay benchmarks (not collected by pytest).

    /tmp/venv/bin/python tests/bench/bench_face.py

Per-frame pipeline (detection + passive liveness + embedding) at det size 320 on a
640x480 frame, 1:N search over 10,000 and 100,000 templates, enrolment, cold model load.
Writes tests/bench/results/face.json. Interleaved rounds so a busy neighbour on the
shared CPU shows up as spread rather than as a wrong median.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from drivers.face.engine import load_engine  # noqa: E402
from drivers.face.gallery import TemplateGallery  # noqa: E402
from terminal.settings.face_section import FaceSettings  # noqa: E402
from ui.services.face_enrolment import enrol_member  # noqa: E402
from offline_queue.face_store import open_face_store  # noqa: E402
from tests.conftest import MODELS_DIR  # noqa: E402
from tests.unit.drivers.face.face_samples import enrolment_samples, face_settings, photo  # noqa: E402
from tests.bench._stats import write_results  # noqa: E402

ROUNDS, RUNS = 5, 30


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2), "n": len(ordered)}


def bench_cold_load() -> dict:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        load_engine(MODELS_DIR, face_settings())
        times.append((time.perf_counter() - start) * 1000)
    return {"first_ms": round(times[0], 1), "median_of_3_ms": round(statistics.median(times), 1),
            "note": "includes sha256 of every model file; first = cold in this process"}


def bench_frames(engine) -> dict:
    frame = cv2.resize(photo("kit_harington_1"), (640, 480))
    assert engine.analyze(frame).dominant is not None
    cases = {"frame_det_liveness_embedding": lambda: engine.analyze(frame),
             "frame_with_106_landmarks": lambda: engine.analyze(frame, landmarks=True)}
    samples = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, fn in cases.items():
            timed(fn, 3)
            samples[name] += timed(fn, RUNS)
    return {name: summary(values) for name, values in samples.items()}


def bench_stages(engine) -> dict:
    """Each stage of one frame on its own (same 640x480 frame)."""
    from drivers.face.alignment import align_face
    from drivers.face.quality import measure_quality
    frame = cv2.resize(photo("kit_harington_1"), (640, 480))
    boxes, points = engine._detector.detect(frame, max_num=0)
    aligned = align_face(frame, points[0])
    stages = {"detect_320": lambda: engine._detector.detect(frame, max_num=0),
              "align": lambda: align_face(frame, points[0]),
              "quality": lambda: measure_quality(boxes[0], points[0], aligned),
              "passive_liveness_v2_v1se": lambda: engine._liveness.scores(frame, boxes[0]),
              "embedding": lambda: engine.embed_aligned(aligned)}
    return {name: summary(timed(fn, 60)) for name, fn in stages.items()}


def bench_search(size: int, per_member: int = 4, probes_n: int = 60) -> dict:
    """Two-stage gallery against brute force on the same random gallery: half the probes
    are members (cosine 0.4-0.7 to one of their templates), half strangers."""
    rng = np.random.default_rng(size)
    gallery = TemplateGallery("bench", capacity=size)
    members = size // per_member
    block = rng.standard_normal((size, 512)).astype(np.float32)
    block /= np.linalg.norm(block, axis=1, keepdims=True)
    for m in range(members):
        gallery.add_member(f"m{m}", block[m * per_member:(m + 1) * per_member], "bench")
    probes = []
    for j in range(probes_n):
        noise = rng.standard_normal(512).astype(np.float32)
        noise /= np.linalg.norm(noise)
        if j % 2:
            probes.append(noise)
            continue
        row = block[int(rng.integers(0, size))]
        cos = float(rng.uniform(0.4, 0.7))
        noise -= (noise @ row) * row
        probes.append(cos * row + np.sqrt(1 - cos * cos) * noise / np.linalg.norm(noise))
    staged, brute = [], []
    for _ in range(ROUNDS):
        for probe in probes:
            staged += timed(lambda p=probe: gallery.identify(p), 1)
            brute += timed(lambda p=probe: block @ p, 1)
    agree = {"member_and_score": 0, "second_score": 0,
             "member_probes_same_member_and_score": 0,
             "stranger_probes_same_decision": 0}
    threshold = FaceSettings().match_threshold
    for j, probe in enumerate(probes):
        got, scores = gallery.identify(probe), block @ probe
        order = np.argsort(scores)[::-1]
        second = next(scores[i] for i in order if i // per_member != order[0] // per_member)
        same = (got.member_id == f"m{order[0] // per_member}"
                and abs(got.score - scores[order[0]]) < 1e-5)
        agree["member_and_score"] += int(same)
        agree["second_score"] += int(abs(got.second_score - second) < 1e-5)
        if j % 2 == 0:      # a member's probe
            agree["member_probes_same_member_and_score"] += int(same)
        else:               # a stranger: what matters is that both reject
            agree["stranger_probes_same_decision"] += int(
                (got.score >= threshold) == (scores[order[0]] >= threshold))
    out = {**summary(staged), "brute_force_matvec": summary(brute),
           "templates": gallery.template_count(), "members": members,
           "probes": probes_n, "agreement_with_brute_force": agree,
           "gallery_stats": gallery.stats()}
    out["speedup_vs_brute_force"] = round(out["brute_force_matvec"]["median_ms"]
                                          / out["median_ms"], 2)
    return out


def bench_enrolment(engine) -> dict:
    samples = enrolment_samples("obama")
    times = []
    with tempfile.TemporaryDirectory() as folder:
        store = open_face_store(Path(folder) / "p.db", Path(folder) / "keys" / "face.key")
        for i in range(5):
            gallery = TemplateGallery(engine.template_version)
            start = time.perf_counter()
            enrol_member(engine=engine, gallery=gallery, store=store, settings=face_settings(),
                         member_id=f"m{i}", phone="13800001234", samples=samples,
                         consent_given=True,
                         consent_text=face_settings().consent_text, recorded_by="bench")
            times.append((time.perf_counter() - start) * 1000)
        store.close()
    return {**summary(times), "samples_per_member": len(samples)}


def main() -> int:
    cold = bench_cold_load()
    engine = load_engine(MODELS_DIR, face_settings())
    results = {
        "machine": {"cpus": os.cpu_count(), "det_size": 320, "threads": 2,
                    "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
                    "note": "shared 2-core VM; other jobs running"},
        "cold_model_load": cold,
        "per_frame": bench_frames(engine),
        "per_stage": bench_stages(engine),
        "search_10k": bench_search(10_000),
        "search_100k": bench_search(100_000),
        "enrolment": bench_enrolment(engine),
        "targets": {"per_frame_median_ms": 40, "search_100k_ms": 15},
    }
    results["machine"]["loadavg_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    write_results("face", results)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
