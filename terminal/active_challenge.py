"""The active liveness challenge (a blink or a head turn) as rules over plain numbers.

The face driver measures, on each frame of one face track, how open the eyes are and
how far the nose sits from the middle of the face (``ChallengeMeasures``, from the 106
landmarks); this module decides whether the customer did what was asked. The first
frames set the baseline; a blink is a dip well below the baseline followed by the eyes
opening again, a turn is a steady shift of the nose in the asked direction. A box that
jumps (another face stepping in) fails the challenge: a different person must not
finish someone else's challenge.

Directions are in the customer's terms: the camera faces them, so turning to *their*
left moves the nose towards the raw image's right (the yaw measure grows).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import Enum
from statistics import median

from terminal.settings.face_section import FaceSettings

#: Frames of the track that set the open-eyes / frontal baseline.
BASELINE_FRAMES = 3
#: Overlap below which the face box is taken to belong to someone else.
MIN_TRACK_IOU = 0.3
#: Eyes count as open again at this share of the baseline openness.
REOPENED_RATIO = 0.85

Box = tuple[float, float, float, float]


class ChallengeKind(str, Enum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


class ChallengeState(str, Enum):
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class ChallengeMeasures:
    """What the driver measured on the landmarks of one face in one frame."""

    eye_openness: float      # eye height across its long axis / its length, both eyes
    yaw: float               # nose offset from the face contour's middle / its width


def random_challenge() -> ChallengeKind:
    """A random challenge, so a prepared video cannot know what to show."""
    return secrets.choice(list(ChallengeKind))


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass
class ChallengeTracker:
    """Feed the dominant face of each frame; read ``state``. Not thread-safe: the one
    thread that analyses frames owns it."""

    kind: ChallengeKind
    settings: FaceSettings
    state: ChallengeState = ChallengeState.RUNNING
    reason: str = ""
    _frames: int = 0
    _last_box: Box | None = None
    _baseline: list[float] = field(default_factory=list)
    _closed_seen: bool = False

    def feed(self, bbox: Box, measures: ChallengeMeasures) -> ChallengeState:
        """One frame of the track. A different face (box jump) fails the challenge."""
        if self.state is not ChallengeState.RUNNING:
            return self.state
        box = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
        if self._last_box is not None and box_iou(self._last_box, box) < MIN_TRACK_IOU:
            return self._fail("face track lost (another face or a jump)")
        self._last_box = box
        self._frames += 1
        value = measures.eye_openness if self.kind is ChallengeKind.BLINK else measures.yaw
        if len(self._baseline) < BASELINE_FRAMES:
            self._baseline.append(value)
        elif self._passes(value):
            self.state = ChallengeState.PASSED
            return self.state
        if self._frames >= self.settings.challenge_frames:
            return self._fail(f"no {self.kind.value} within {self._frames} frames")
        return self.state

    def _passes(self, value: float) -> bool:
        base = float(median(self._baseline))
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
