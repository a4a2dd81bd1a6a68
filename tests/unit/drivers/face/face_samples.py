"""Shared face fixtures: the models loaded once per test session, and enrolment samples.

The test set has two real photos per person. Enrolment needs three or more samples, so
the extra ones are made honestly from the real ``*_1`` photo: a mirror image, a tighter
crop shifted off-centre, and a smaller, slightly darker copy. Identification is always
tested with the other real photo (``*_2``), so no probe is derived from an enrolment
sample.
"""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

from drivers.face.engine import InsightFaceEngine, load_engine
from terminal.settings.face_section import FaceSettings
from tests.conftest import FACES_DIR, MODELS_DIR

PEOPLE = ("obama", "biden", "kit_harington", "rose_leslie", "alex_lacamoire")


def face_settings(**changes) -> FaceSettings:
    return FaceSettings(models_dir=str(MODELS_DIR), det_size=320, threads=2, **changes)


@functools.cache
def shared_engine() -> InsightFaceEngine:
    """One engine for the whole session (loading costs about half a second)."""
    return load_engine(MODELS_DIR, face_settings())


def photo(name: str) -> np.ndarray:
    matches = sorted(FACES_DIR.glob(f"{name}.*"))
    assert matches, f"{name} not in {FACES_DIR}"
    image = cv2.imread(str(matches[0]), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def derived_samples(image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The real photo plus three honest variants of it (see the module docstring)."""
    h, w = image.shape[:2]
    mirrored = cv2.flip(image, 1)
    crop = image[int(h * 0.04): int(h * 0.96), int(w * 0.07): int(w * 0.99)].copy()
    smaller = cv2.resize(image, (int(w * 0.8), int(h * 0.8)), interpolation=cv2.INTER_AREA)
    darker = cv2.convertScaleAbs(smaller, alpha=0.9, beta=0)
    return [("original", image), ("mirrored", mirrored), ("crop", crop), ("smaller", darker)]


def enrolment_samples(person: str) -> list[tuple[str, np.ndarray]]:
    return [(f"{person}_1:{label}", img) for label, img in derived_samples(photo(f"{person}_1"))]


def image_path(name: str) -> Path:
    return sorted(FACES_DIR.glob(f"{name}.*"))[0]
