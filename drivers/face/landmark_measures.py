"""What the active challenge needs from the 2d106det landmarks: how open the eyes are
and how far the head is turned (``terminal.active_challenge`` decides on them).

Landmark layout (2d106det, verified on real photos in the tests): points 33-42 are the
eye on the image's left, 87-96 the eye on the image's right, 72-86 the nose, 0-32 the
face contour. Eye openness is the eye's height across its corner-to-corner axis divided
by its width, so it does not depend on head roll or on face size. Yaw is the nose's
offset from the contour's middle divided by the contour width.
"""

from __future__ import annotations

import numpy as np

from terminal.active_challenge import ChallengeMeasures

LEFT_EYE = np.arange(33, 43)
RIGHT_EYE = np.arange(87, 97)
NOSE = np.arange(72, 87)
CONTOUR = np.arange(0, 33)


def eye_openness(points: np.ndarray) -> float:
    """Height across the eye's long axis / its length (about 0.2-0.35 open, <0.1 shut)."""
    centred = points - points.mean(axis=0)
    spans = centred[:, None, :] - centred[None, :, :]
    i, j = np.unravel_index(np.argmax((spans ** 2).sum(axis=2)), spans.shape[:2])
    axis = spans[i, j] / max(float(np.linalg.norm(spans[i, j])), 1e-6)
    across = centred @ np.array([-axis[1], axis[0]])
    return float((across.max() - across.min()) / max(float(np.linalg.norm(spans[i, j])), 1e-6))


def openness(landmarks: np.ndarray) -> float:
    return (eye_openness(landmarks[LEFT_EYE]) + eye_openness(landmarks[RIGHT_EYE])) / 2


def yaw_proxy(landmarks: np.ndarray) -> float:
    contour_x = landmarks[CONTOUR, 0]
    left, right = float(contour_x.min()), float(contour_x.max())
    nose_x = float(landmarks[NOSE, 0].mean())
    return (nose_x - (left + right) / 2) / max(right - left, 1e-6)


def challenge_measures(landmarks: np.ndarray) -> ChallengeMeasures:
    """Eye openness and yaw of one face's 106 landmarks."""
    return ChallengeMeasures(eye_openness=openness(landmarks), yaw=yaw_proxy(landmarks))
