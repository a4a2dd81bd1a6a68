"""The landmark measures and the active challenge's rules on landmark sequences
synthesised from real 2d106det output.

The base landmarks come from the real model on a real photo (obama_1). A blink is made
by squeezing the real eye points towards each eye's long axis for a few frames; a head
turn by shifting the real nose points sideways (the nose stands out of the face, so it
moves most when the head turns); a static photo repeats the real points with sub-pixel
jitter and never blinks or turns.
"""

from __future__ import annotations

import numpy as np
import pytest

from drivers.face.landmark_measures import (LEFT_EYE, NOSE, RIGHT_EYE, challenge_measures,
                                            openness, yaw_proxy)
from terminal.active_challenge import (ChallengeKind, ChallengeState, ChallengeTracker,
                                       random_challenge)
from tests.unit.drivers.face.face_samples import face_settings, photo

pytestmark = pytest.mark.models
S = face_settings(challenge_frames=30)


@pytest.fixture(scope="module")
def real_face(engine):
    analysis = engine.analyze(photo("obama_1"), landmarks=True)
    face = analysis.dominant
    assert face is not None and face.landmarks.shape == (106, 2)
    return face.bbox, face.landmarks


def squeeze_eyes(points: np.ndarray, factor: float) -> np.ndarray:
    out = points.copy()
    for eye in (LEFT_EYE, RIGHT_EYE):
        centre = out[eye].mean(axis=0)
        out[eye, 1] = centre[1] + (out[eye, 1] - centre[1]) * factor
    return out


def shift_nose(points: np.ndarray, dx: float) -> np.ndarray:
    out = points.copy()
    out[NOSE, 0] += dx
    return out


def jitter(points, rng, px=0.4):
    return points + rng.normal(0, px, points.shape).astype(np.float32)


def run(kind, frames, bbox):
    challenge = ChallengeTracker(kind, S)
    for points in frames:
        if challenge.feed(bbox, challenge_measures(points)) is not ChallengeState.RUNNING:
            break
    return challenge


def test_eye_and_nose_indices_sit_on_the_detector_keypoints(engine, real_face):
    bbox, points = real_face
    width = bbox[2] - bbox[0]
    left, right = points[LEFT_EYE].mean(axis=0), points[RIGHT_EYE].mean(axis=0)
    assert left[0] < right[0]
    assert 0.25 * width < right[0] - left[0] < 0.6 * width
    nose = points[NOSE].mean(axis=0)
    assert left[0] < nose[0] < right[0] and nose[1] > left[1]
    assert 0.12 < openness(points) < 0.45        # open eyes on a real photo
    assert abs(yaw_proxy(points)) < 0.1           # frontal


def test_blink_passes(real_face):
    bbox, points = real_face
    rng = np.random.default_rng(0)
    factors = [1, 1, 1, 1, 0.7, 0.3, 0.15, 0.3, 0.8, 1, 1]
    frames = [jitter(squeeze_eyes(points, f), rng) for f in factors]
    challenge = run(ChallengeKind.BLINK, frames, bbox)
    assert challenge.state is ChallengeState.PASSED


def test_half_closed_eyes_are_not_a_blink(real_face):
    bbox, points = real_face
    rng = np.random.default_rng(1)
    frames = [jitter(squeeze_eyes(points, f), rng) for f in [1, 1, 1] + [0.8, 1.0] * 20]
    assert run(ChallengeKind.BLINK, frames, bbox).state is ChallengeState.FAILED


@pytest.mark.parametrize("kind, direction", [(ChallengeKind.TURN_LEFT, 1.0),
                                             (ChallengeKind.TURN_RIGHT, -1.0)])
def test_head_turn_passes_in_the_asked_direction_only(real_face, kind, direction):
    bbox, points = real_face
    width = float(points[:33, 0].max() - points[:33, 0].min())
    rng = np.random.default_rng(2)
    steps = [0, 0, 0, 0.04, 0.08, 0.12, 0.16, 0.2]
    turning = [jitter(shift_nose(points, direction * s * width), rng) for s in steps]
    assert run(kind, turning, bbox).state is ChallengeState.PASSED
    wrong_way = [jitter(shift_nose(points, -direction * s * width), rng)
                 for s in steps + [0.2] * 30]
    assert run(kind, wrong_way, bbox).state is ChallengeState.FAILED


@pytest.mark.parametrize("kind", list(ChallengeKind))
def test_static_photo_never_passes(real_face, kind):
    bbox, points = real_face
    rng = np.random.default_rng(3)
    challenge = run(kind, [jitter(points, rng) for _ in range(100)], bbox)
    assert challenge.state is ChallengeState.FAILED and "within 30 frames" in challenge.reason


def test_a_different_face_breaks_the_track(real_face):
    bbox, points = real_face
    challenge = ChallengeTracker(ChallengeKind.BLINK, S)
    challenge.feed(bbox, challenge_measures(points))
    moved = (bbox[0] + 500, bbox[1], bbox[2] + 500, bbox[3])
    assert challenge.feed(moved, challenge_measures(points)) is ChallengeState.FAILED
    assert "track lost" in challenge.reason


def test_challenge_is_chosen_from_all_kinds():
    assert random_challenge() in set(ChallengeKind)
