"""Passive anti-spoofing: MiniFASNet V2 + V1SE (Silent-Face), optionally CelebA-128.

The crops follow MODELS.md exactly, because these models were trained on them:
V2 sees the detector box scaled 2.7x, V1SE 4.0x (scale shrunk to fit the frame, box
shifted inside), both resized to 80x80 BGR with raw 0..255 values; softmax index 1 is
"live". The CelebA model sees a reflect-padded square of 1.5x the longer box side at
128x128 RGB/255, logits [real, spoof].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np

from drivers.face.sessions import open_session

V2_SCALE = 2.7
V1SE_SCALE = 4.0
CELEBA_SCALE = 1.5


def silent_face_crop(img: np.ndarray, box: np.ndarray | Sequence[float], scale: float) -> np.ndarray:
    """Box scaled by ``scale`` around its centre, shrunk to fit and shifted inside."""
    h, w = img.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    bw, bh = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
    s = min((h - 1) / bh, (w - 1) / bw, scale)
    nw, nh = bw * s, bh * s
    cx, cy = x1 + bw / 2, y1 + bh / 2
    left, top, right, bottom = cx - nw / 2, cy - nh / 2, cx + nw / 2, cy + nh / 2
    if left < 0:
        right -= left
        left = 0
    if top < 0:
        bottom -= top
        top = 0
    if right > w - 1:
        left -= right - w + 1
        right = w - 1
    if bottom > h - 1:
        top -= bottom - h + 1
        bottom = h - 1
    return img[int(top): int(bottom) + 1, int(left): int(right) + 1]


def reflect_square_crop(img: np.ndarray, box: np.ndarray | Sequence[float], scale: float) -> np.ndarray:
    """Square of side max(w, h) * scale centred on the box; edges reflected."""
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    side = max(x2 - x1, y2 - y1) * scale
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    left, top, size = int(round(cx - side / 2)), int(round(cy - side / 2)), int(round(side))
    padded = cv2.copyMakeBorder(img, size, size, size, size, cv2.BORDER_REFLECT_101)
    return padded[top + size: top + 2 * size, left + size: left + 2 * size]


def softmax(logits: np.ndarray) -> np.ndarray:
    e: np.ndarray = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probabilities: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return probabilities


class PassiveLiveness:
    """Live probability of one face: the mean of V2 and V1SE, and with the CelebA model
    loaded the minimum of that mean and the CelebA score (the two families fail on
    different inputs, so either one can veto)."""

    def __init__(self, v2: Path, v1se: Path, celeba: Path | None, threads: int) -> None:
        self._v2 = open_session(v2, threads)
        self._v1se = open_session(v1se, threads)
        self._celeba = open_session(celeba, threads) if celeba else None

    def scores(self, img_bgr: np.ndarray, box: np.ndarray | Sequence[float]) -> dict[str, float]:
        """Each model's live probability plus the combined ``"live"`` score."""
        v2 = self._minifas(self._v2, img_bgr, box, V2_SCALE)
        v1se = self._minifas(self._v1se, img_bgr, box, V1SE_SCALE)
        result = {"v2": v2, "v1se": v1se, "live": (v2 + v1se) / 2}
        if self._celeba is not None:
            result["celeba"] = self._celeba_score(self._celeba, img_bgr, box)
            result["live"] = min(result["live"], result["celeba"])
        return result

    @staticmethod
    def _minifas(session: Any, img: np.ndarray, box: np.ndarray | Sequence[float],
                 scale: float) -> float:
        crop = cv2.resize(silent_face_crop(img, box, scale), (80, 80))
        blob = crop.astype(np.float32).transpose(2, 0, 1)[None]
        logits = session.run(None, {"input": blob})[0]
        return float(softmax(logits)[0, 1])

    @staticmethod
    def _celeba_score(session: Any, img: np.ndarray, box: np.ndarray | Sequence[float]) -> float:
        crop = cv2.resize(reflect_square_crop(img, box, CELEBA_SCALE), (128, 128),
                          interpolation=cv2.INTER_AREA)
        rgb = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
        logits = session.run(None, {"input": rgb.transpose(2, 0, 1)[None]})[0]
        return float(softmax(logits)[0, 0])
