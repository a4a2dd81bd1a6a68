"""Active liveness: a blink or a head turn, checked on 2d106det landmarks over the
frames of one face track.

Landmark layout (2d106det, verified on real photos in the tests): points 33-42 are the
eye on the image's left, 87-96 the eye on the image's right, 72-86 the nose, 0-32 the
face contour. Eye openness is the eye's height across its corner-to-corner axis divided
by its width, so it does not depend on head roll or on face size. Yaw is the nose's
offset from the contour's middle divided by the contour width.

Directions are in the customer's terms: the camera faces them, so turning to *their*
left moves the nose towards the raw image's right (x grows).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from terminal.settings.face_section import FaceSettings

LEFT_EYE = np.arange(33, 43)
RIGHT_EYE = np.arange(87, 97)
NOSE = np.arange(72, 87)
CONTOUR = np.arange(0, 33)
BASELINE_FRAMES = 3
MIN_TRACK_IOU = 0.3
REOPENED_RATIO = 0.85


class ChallengeKind(str, Enum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


class ChallengeState(str, Enum):
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"


def choose_challenge() -> ChallengeKind:
    """A random challenge, so a prepared video cannot know what to show."""
    return secrets.choice(list(ChallengeKind))


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


def box_iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass
class ActiveChallenge:
    """Feed the dominant face of each frame; read ``state``. Not thread-safe: one
    pipeline worker owns it."""

    kind: ChallengeKind
    settings: FaceSettings
    state: ChallengeState = ChallengeState.RUNNING
    reason: str = ""
    _frames: int = 0
    _last_box: tuple | None = None
    _baseline: list = field(default_factory=list)
    _closed_seen: bool = False

    def feed(self, bbox, landmarks: np.ndarray) -> ChallengeState:
        """One frame of the track. A different face (box jump) fails the challenge."""
        if self.state is not ChallengeState.RUNNING:
            return self.state
        if self._last_box is not None and box_iou(self._last_box, bbox) < MIN_TRACK_IOU:
            return self._fail("face track lost (another face or a jump)")
        self._last_box = tuple(bbox)
        self._frames += 1
        value = openness(landmarks) if self.kind is ChallengeKind.BLINK else yaw_proxy(landmarks)
        if len(self._baseline) < BASELINE_FRAMES:
            self._baseline.append(value)
        elif self._passes(value):
            self.state = ChallengeState.PASSED
            return self.state
        if self._frames >= self.settings.challenge_frames:
            return self._fail(f"no {self.kind.value} within {self._frames} frames")
        return self.state

    def _passes(self, value: float) -> bool:
        base = float(np.median(self._baseline))
        if self.kind is ChallengeKind.BLINK:
            if value < self.settings.blink_closed_ratio * base:
                self._closed_seen = True
            return self._closed_seen and value >= REOPENED_RATIO * base
        shift = value - base
        wanted = 1.0 if self.kind is ChallengeKind.TURN_LEFT else -1.0
        return shift * wanted >= self.settings.turn_yaw_ratio

    def _fail(self, reason: str) -> ChallengeState:
        self.state = ChallengeState.FAILED
        self.reason = reason
        return self.state
