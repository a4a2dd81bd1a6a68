"""The identification decision on one frame's facts."""

from __future__ import annotations

import dataclasses

from terminal.active_challenge import ChallengeKind
from terminal.face_identification import identify
from terminal.face_policy import (GUIDE_CLOSER, GUIDE_NO_FACE, GUIDE_ONE_PERSON, Decision,
                                  Liveness, MatchOutcome)
from terminal.settings.face_section import FaceSettings
from tests.unit.terminal.face.facts import GOOD, face, no_face

S = FaceSettings()


def test_no_face_and_several_faces_ask_to_retry_with_guidance():
    nothing = identify(no_face(), S)
    assert nothing.decision is Decision.RETRY and nothing.guidance == GUIDE_NO_FACE
    assert nothing.quality_problems == ("no_face",) and nothing.template_version == "v1"
    crowd = identify(no_face(faces_found=2), S)
    assert crowd.guidance == GUIDE_ONE_PERSON and crowd.quality_problems == ("several_faces",)


def test_clear_live_member_pays_with_evidence():
    result = identify(face(score=0.7, second=0.2, passive=0.97), S, amount_fen=100)
    assert result.decision is Decision.PAY and result.member_id == "m1"
    assert result.margin == 0.7 - 0.2
    assert result.evidence()["liveness"] == "live" and result.evidence()["challenge"] is None


def test_poor_quality_retries_but_a_spoof_is_rejected_whatever_the_quality():
    small = dataclasses.replace(GOOD, face_px=30)
    retry = identify(face(quality=small), S)
    assert retry.decision is Decision.RETRY and retry.guidance == GUIDE_CLOSER
    spoof = identify(face(quality=small, passive=0.1), S)
    assert spoof.decision is Decision.REJECT and spoof.liveness is Liveness.SPOOF


def test_stranger_and_look_alikes_are_rejected():
    stranger = identify(face(score=0.2, second=0.1), S)
    assert stranger.decision is Decision.REJECT and stranger.member_id is None
    assert stranger.match_outcome is MatchOutcome.NO_MATCH and stranger.candidate_id == "m1"
    twins = identify(face(score=0.7, second=0.66), S)
    assert twins.match_outcome is MatchOutcome.AMBIGUOUS and twins.decision is Decision.REJECT


def test_challenge_needed_then_passed():
    unsure = identify(face(passive=0.8), S)
    assert unsure.decision is Decision.CHALLENGE
    done = identify(face(passive=0.8), S, challenge=ChallengeKind.BLINK, challenge_passed=True)
    assert done.decision is Decision.PAY and done.evidence()["challenge"] == "blink"
    failed = identify(face(passive=0.8), S, challenge=ChallengeKind.BLINK,
                      challenge_passed=False)
    assert failed.decision is Decision.REJECT


def test_high_amount_needs_the_challenge_even_when_clearly_live():
    result = identify(face(passive=0.99), S, amount_fen=S.challenge_amount_fen)
    assert result.decision is Decision.CHALLENGE
