"""The face engine: SCRFD det_500m + ArcFace w600k_mbf (insightface 2.1), MiniFASNet
passive liveness and optional 2d106det landmarks, all on CPU onnxruntime sessions.

Build it once per process with ``load_engine`` (about 0.5 s cold; it verifies every
file's sha256 first). ``analyze`` is CPU-bound and meant for one worker thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from drivers.face.alignment import align_face
from drivers.face.antispoof import PassiveLiveness
from drivers.face.model_files import FaceUnavailable, ModelPaths, sha256_of, verify_models
from drivers.face.quality import measure_quality
from drivers.face.sessions import PROVIDERS, quiet_onnxruntime, session_options
from terminal.errors import DeviceError
from terminal.face_policy import dominant_face_index
from terminal.ports.face import FaceObservation, FrameAnalysis
from terminal.settings.face_section import FaceSettings

log = logging.getLogger(__name__)


class InsightFaceEngine:
    """Implements ``terminal.ports.face.FaceEngine``."""

    def __init__(self, paths: ModelPaths, settings: FaceSettings) -> None:
        self.settings = settings
        threads = settings.threads
        # insightface (with onnx) takes seconds to import: only when models are loaded, so
        # every `payterm` command that does not use faces starts without it.
        from insightface.model_zoo import get_model
        try:
            self._detector = get_model(str(paths.detector), providers=PROVIDERS,
                                       sess_options=session_options(threads))
            self._detector.prepare(-1, input_size=(settings.det_size, settings.det_size),
                                   det_thresh=settings.det_threshold)
            self._recognizer = get_model(str(paths.recognizer), providers=PROVIDERS,
                                         sess_options=session_options(threads))
            self._landmarker = None
            if paths.landmarks is not None:
                self._landmarker = get_model(str(paths.landmarks), providers=PROVIDERS,
                                             sess_options=session_options(threads))
                self._landmarker.prepare(-1)
        except FaceUnavailable:
            raise
        except Exception as exc:  # insightface/onnxruntime raise many types on bad files
            raise FaceUnavailable(f"cannot load the insightface models: {exc}") from exc
        self._liveness = PassiveLiveness(paths.antispoof_v2, paths.antispoof_v1se,
                                         paths.antispoof_celeba, threads)
        #: Templates from another recognizer are not comparable: the version names it.
        self.template_version = recognizer_template_version(paths.recognizer)

    @property
    def has_landmarks(self) -> bool:
        return self._landmarker is not None

    def analyze(self, frame_bgr: np.ndarray, *, landmarks: bool = False) -> FrameAnalysis:
        """Detect every face, then fully measure the dominant one (if any).

        ``landmarks``: also run 2d106det (about 5-10 ms more); only the active
        challenge needs them, so the per-frame pipeline asks only while one runs.
        """
        check_frame(frame_bgr)
        try:
            bboxes, kpss = self._detector.detect(frame_bgr, max_num=0)
        except Exception as exc:
            raise DeviceError("face", f"detector failed: {exc}") from exc
        boxes = tuple((float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in bboxes)
        areas = [(b[2] - b[0]) * (b[3] - b[1]) for b in boxes]
        index = dominant_face_index(areas, self.settings)
        if index is None:
            return FrameAnalysis(faces_found=len(boxes), dominant=None, boxes=boxes)
        observation = self._measure(frame_bgr, bboxes[index], kpss[index], landmarks)
        return FrameAnalysis(faces_found=len(boxes), dominant=observation, boxes=boxes)

    def detect(self, frame_bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw SCRFD output: boxes (N x 5: x1, y1, x2, y2, score) and 5-point keypoints
        (N x 5 x 2). For diagnostics, which time each stage on its own."""
        check_frame(frame_bgr)
        boxes, keypoints = self._detector.detect(frame_bgr, max_num=0)
        return boxes, keypoints

    def passive_scores(self, frame_bgr: np.ndarray, bbox_row: np.ndarray) -> dict[str, float]:
        """The passive liveness scores of one detected face (see PassiveLiveness)."""
        return self._liveness.scores(frame_bgr, bbox_row)

    def embed_aligned(self, face_112_bgr: np.ndarray) -> np.ndarray:
        """Unit embedding of an ArcFace-aligned 112x112 BGR crop."""
        feat: np.ndarray = self._recognizer.get_feat(face_112_bgr).reshape(-1).astype(np.float32)
        return feat / max(float(np.linalg.norm(feat)), 1e-12)

    def _measure(self, frame: np.ndarray, bbox_row: np.ndarray, kps: np.ndarray,
                 with_landmarks: bool) -> FaceObservation:
        aligned = align_face(frame, kps)
        quality = measure_quality(bbox_row, kps, aligned)
        live = self._liveness.scores(frame, bbox_row)
        landmarks = None
        if with_landmarks and self._landmarker is not None:
            from insightface.app.common import Face
            face = Face(bbox=bbox_row[:4], kps=kps, det_score=bbox_row[4])
            landmarks = np.asarray(self._landmarker.get(frame, face), dtype=np.float32)
        return FaceObservation(bbox=(float(bbox_row[0]), float(bbox_row[1]),
                                     float(bbox_row[2]), float(bbox_row[3])),
                               det_score=float(bbox_row[4]), quality=quality,
                               passive_score=live["live"],
                               embedding=self.embed_aligned(aligned), landmarks=landmarks)


def check_frame(frame: object) -> None:
    if not isinstance(frame, np.ndarray) or frame.ndim != 3 or frame.shape[2] != 3 \
            or frame.dtype != np.uint8 or min(frame.shape[:2]) < 16:
        shape = getattr(frame, "shape", None)
        raise DeviceError("face", f"not a BGR uint8 image (got {type(frame).__name__} "
                                  f"{shape})", retryable=False)


def load_engine(models_dir: Path, settings: FaceSettings) -> InsightFaceEngine:
    """Verify the files and build the engine. Raises FaceUnavailable with the reason."""
    quiet_onnxruntime()
    paths = verify_models(Path(models_dir), landmarks=settings.use_landmarks,
                          celeba=settings.use_celeba_antispoof)
    engine = InsightFaceEngine(paths, settings)
    log.info("face engine ready (det_size %d, threads %d, landmarks %s, template %s)",
             settings.det_size, settings.threads, engine.has_landmarks,
             engine.template_version)
    return engine


def recognizer_template_version(recognizer: Path) -> str:
    """Names the recognizer a template was made by (templates of two are not comparable);
    the back office's gallery sync sends only templates of this version."""
    return f"w600k_mbf:{sha256_of(recognizer)[:8]}"
