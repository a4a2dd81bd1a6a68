"""The active challenge's rules on plain eye-openness and yaw numbers."""

from __future__ import annotations

import pytest

from terminal.active_challenge import (BASELINE_FRAMES, ChallengeKind, ChallengeMeasures,
                                       ChallengeState, ChallengeTracker, box_iou,
                                       random_challenge)
from terminal.settings.face_section import FaceSettings

S = FaceSettings(challenge_frames=20, blink_closed_ratio=0.55, turn_yaw_ratio=0.12)
BOX = (100.0, 100.0, 300.0, 320.0)


def feed(kind: ChallengeKind, values: list[float], box=BOX) -> ChallengeTracker:
    tracker = ChallengeTracker(kind, S)
    for value in values:
        measures = ChallengeMeasures(value, 0.0) if kind is ChallengeKind.BLINK \
            else ChallengeMeasures(0.3, value)
        if tracker.feed(box, measures) is not ChallengeState.RUNNING:
            break
    return tracker


def test_blink_needs_a_dip_and_the_eyes_open_again():
    assert feed(ChallengeKind.BLINK, [0.3, 0.3, 0.3, 0.1, 0.28]).state is ChallengeState.PASSED
    # Closed and never open again within the frames: not a blink.
    still_shut = feed(ChallengeKind.BLINK, [0.3, 0.3, 0.3] + [0.1] * 30)
    assert still_shut.state is ChallengeState.FAILED
    assert "no blink within 20 frames" in still_shut.reason


def test_a_shallow_dip_is_not_a_blink():
    # 0.2 is 67 % of the open baseline: above the 55 % that counts as closed.
    assert feed(ChallengeKind.BLINK, [0.3] * 3 + [0.2, 0.3] * 20).state is ChallengeState.FAILED


def test_the_baseline_frames_never_pass_by_themselves():
    tracker = feed(ChallengeKind.BLINK, [0.3, 0.05, 0.3])
    assert tracker.state is ChallengeState.RUNNING and BASELINE_FRAMES == 3


@pytest.mark.parametrize("kind, sign", [(ChallengeKind.TURN_LEFT, 1.0),
                                        (ChallengeKind.TURN_RIGHT, -1.0)])
def test_turn_counts_only_in_the_asked_direction(kind, sign):
    assert feed(kind, [0, 0, 0, sign * 0.05, sign * 0.13]).state is ChallengeState.PASSED
    assert feed(kind, [0, 0, 0] + [-sign * 0.3] * 30).state is ChallengeState.FAILED


def test_a_turn_just_short_of_the_setting_does_not_pass():
    assert feed(ChallengeKind.TURN_LEFT, [0, 0, 0] + [0.119] * 30).state is \
        ChallengeState.FAILED


def test_another_face_stepping_in_fails_the_challenge():
    tracker = ChallengeTracker(ChallengeKind.BLINK, S)
    tracker.feed(BOX, ChallengeMeasures(0.3, 0.0))
    jumped = (BOX[0] + 300, BOX[1], BOX[2] + 300, BOX[3])
    assert tracker.feed(jumped, ChallengeMeasures(0.3, 0.0)) is ChallengeState.FAILED
    assert "track lost" in tracker.reason
    # Once failed, it stays failed whatever comes next.
    assert tracker.feed(BOX, ChallengeMeasures(0.3, 0.0)) is ChallengeState.FAILED


def test_box_iou():
    assert box_iou(BOX, BOX) == pytest.approx(1.0)
    assert box_iou(BOX, (400.0, 400.0, 500.0, 500.0)) == 0.0
    assert box_iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0


def test_random_challenge_draws_every_kind():
    assert {random_challenge() for _ in range(200)} == set(ChallengeKind)
