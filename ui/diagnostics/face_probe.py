"""The face part of the camera check: load the models beside the frame-rate sample, then
time each face-pipeline stage on a live frame.

Loading (imports, sha256 of every model, onnxruntime sessions) takes 1-2 s cold, so it
starts on its own thread when the camera check starts and overlaps the camera's sample.
The engine is kept for the life of the process (the technician screen runs the checks
again and again), keyed by the models folder, the face settings and the SHA256SUMS
file's modification time, so replaced models are loaded and verified afresh.
"""

from __future__ import annotations

import atexit
import functools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from terminal.errors import TerminalError
from terminal.settings.face_section import FaceSettings


@dataclass
class FaceTiming:
    """What one live frame showed and how long each stage took on this CPU."""

    faces_found: int
    stages_ms: dict[str, float] = field(default_factory=dict)
    det_score: float | None = None
    passive_score: float | None = None
    face_px: int | None = None           # shorter side of the largest face's box

    @property
    def total_ms(self) -> float:
        return round(sum(self.stages_ms.values()), 1)

    def as_dict(self) -> dict:
        return {"faces_found": self.faces_found, "stages_ms": self.stages_ms,
                "total_ms": self.total_ms, "det_score": self.det_score,
                "passive_score": self.passive_score, "face_px": self.face_px}


#: onnxruntime aborts the process (SIGABRT) when the interpreter tears down while a
#: session is being created on another thread; loads still running at exit are waited
#: for, at most this long (loading reads local files: seconds, not minutes).
EXIT_WAIT_S = 30.0
_in_flight: set["EngineLoad"] = set()
_in_flight_lock = threading.Lock()


@atexit.register
def _finish_loads_before_exit() -> None:
    deadline = time.monotonic() + EXIT_WAIT_S
    with _in_flight_lock:
        pending = list(_in_flight)
    for load in pending:
        load.wait(deadline - time.monotonic())


class EngineLoad:
    """Loads the face engine on a daemon thread; ``wait`` gives it or the reason it is
    unavailable. A daemon, because onnxruntime cannot be interrupted: when the camera
    fails or the check's time runs out, the load finishes unseen (and a process exit
    waits for it, see ``EXIT_WAIT_S``)."""

    def __init__(self, models_dir: Path, settings: FaceSettings) -> None:
        self.models_dir = models_dir
        self.settings = settings
        self.engine = None
        self.problem = ""
        self.load_ms = 0.0
        self.cached = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._load, name="diag-face-load", daemon=True)

    def start(self) -> "EngineLoad":
        with _in_flight_lock:
            _in_flight.add(self)
        self._thread.start()
        return self

    def wait(self, timeout_s: float) -> bool:
        """True when loading finished (successfully or not) within ``timeout_s``."""
        return self._done.wait(max(0.0, timeout_s))

    def _load(self) -> None:
        started = time.monotonic()
        try:
            before = _cached_engine.cache_info().hits
            self.engine = _cached_engine(str(self.models_dir), self.settings,
                                         _sums_mtime(self.models_dir))
            self.cached = _cached_engine.cache_info().hits > before
        except TerminalError as exc:           # FaceUnavailable names the bad file
            self.problem = getattr(exc, "reason", None) or str(exc)
        except Exception as exc:  # a broken install (import error): report, never crash
            self.problem = f"{type(exc).__name__}: {exc}"
        finally:
            self.load_ms = round((time.monotonic() - started) * 1000, 1)
            self._done.set()
            with _in_flight_lock:
                _in_flight.discard(self)


@functools.lru_cache(maxsize=1)
def _cached_engine(models_dir: str, settings: FaceSettings, sums_mtime: float):
    # Imported here: insightface and onnxruntime cost about a second to import, which
    # only this thread should pay, and only when face-pay is on.
    from drivers.face.engine import load_engine
    return load_engine(Path(models_dir), settings)


def _sums_mtime(models_dir: Path) -> float:
    try:
        return (models_dir / "SHA256SUMS").stat().st_mtime
    except OSError:
        return 0.0


def time_face_stages(engine, frame_bgr: np.ndarray) -> FaceTiming:
    """Detection, alignment + quality, passive liveness and embedding on the largest face
    of ``frame_bgr``, each timed (ms). The stages run twice and the second, warm pass is
    reported: the first run of an onnxruntime session allocates its buffers, which a
    kiosk pays once at start, not per customer."""
    from drivers.face.alignment import align_face
    from drivers.face.quality import measure_quality
    timing = FaceTiming(faces_found=0)
    for _ in range(2):
        stages: dict[str, float] = {}
        started = time.perf_counter()
        boxes, keypoints = engine.detect(frame_bgr)
        stages["detection"] = _ms_since(started)
        timing = FaceTiming(faces_found=len(boxes), stages_ms=stages)
        if not len(boxes):
            continue
        largest = int(np.argmax((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])))
        box, kps = boxes[largest], keypoints[largest]
        started = time.perf_counter()
        aligned = align_face(frame_bgr, kps)
        measure_quality(box, kps, aligned)
        stages["alignment_quality"] = _ms_since(started)
        started = time.perf_counter()
        live = engine.passive_scores(frame_bgr, box)
        stages["passive_liveness"] = _ms_since(started)
        started = time.perf_counter()
        engine.embed_aligned(aligned)
        stages["embedding"] = _ms_since(started)
        timing.det_score = round(float(box[4]), 3)
        timing.passive_score = round(float(live["live"]), 3)
        timing.face_px = int(min(box[2] - box[0], box[3] - box[1]))
    return timing


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
