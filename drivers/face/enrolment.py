"""Measuring enrolment samples, and the byte form of a face template.

Each sample image is analysed once: its dominant face's quality and passive live score,
who in the gallery it looks like, and its embedding; plus the similarity of every pair
of samples. Which samples are good enough, and whether the set may be enrolled, is
decided by ``terminal.face_enrolment``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from terminal.face_enrolment import MeasuredSamples, SampleFacts
from terminal.ports.face import FaceEngine, FaceGallery


def template_bytes(embedding: npt.ArrayLike) -> bytes:
    return np.asarray(embedding, dtype="<f4").reshape(-1).tobytes()


def template_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def measure_samples(engine: FaceEngine, gallery: FaceGallery,
                    samples: list[tuple[str, np.ndarray]]) -> MeasuredSamples:
    """Analyse every (label, BGR image) sample. Raises DeviceError on a bad image."""
    facts: list[SampleFacts] = []
    embeddings: list[np.ndarray | None] = []
    for label, image in samples:
        analysis = engine.analyze(image)
        face = analysis.dominant
        if face is None:
            facts.append(SampleFacts(label, analysis.faces_found))
            embeddings.append(None)
            continue
        facts.append(SampleFacts(label, analysis.faces_found, face.quality,
                                 face.passive_score, gallery.identify(face.embedding)))
        embeddings.append(np.asarray(face.embedding, dtype=np.float32))
    size = len(embeddings)
    similarity = [[0.0] * size for _ in range(size)]
    present = [i for i, vec in enumerate(embeddings) if vec is not None]
    if present:
        stacked = np.stack([vec for vec in embeddings if vec is not None])
        scores = stacked @ stacked.T
        for a, i in enumerate(present):
            for b, j in enumerate(present):
                similarity[i][j] = float(scores[a, b])
    templates = [template_bytes(vec) if vec is not None else None for vec in embeddings]
    return MeasuredSamples(facts, similarity, embeddings, templates, engine.template_version)
