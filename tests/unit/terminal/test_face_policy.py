"""Face-pay rules: quality guidance, one dominant face, liveness and match decisions."""

from __future__ import annotations

import dataclasses

import pytest

from terminal.face_policy import (GUIDE_CLOSER, GUIDE_FACE_SCREEN, GUIDE_TOO_DARK, Decision,
                                  FaceQualityMetrics, IdentificationResult, Liveness,
                                  MatchOutcome, assess_quality, challenge_required, decide,
                                  dominant_face_index, liveness_decision, match_decision,
                                  passive_liveness)
from terminal.settings.face_section import FaceSettings

S = FaceSettings()
GOOD = FaceQualityMetrics(face_px=200, yaw_ratio=0.02, pitch_ratio=0.05, sharpness=500,
                          brightness=130)


def test_good_face_passes_the_gate():
    verdict = assess_quality(GOOD, S)
    assert verdict.ok and verdict.problems == () and verdict.guidance == ""


@pytest.mark.parametrize("change, problem, guidance", [
    ({"face_px": 40}, "too_small", GUIDE_CLOSER),
    ({"yaw_ratio": -0.4}, "pose", GUIDE_FACE_SCREEN),
    ({"pitch_ratio": 0.5}, "pose", GUIDE_FACE_SCREEN),
    ({"brightness": 20}, "too_dark", GUIDE_TOO_DARK),
])
def test_each_problem_has_bilingual_guidance(change, problem, guidance):
    verdict = assess_quality(dataclasses.replace(GOOD, **change), S)
    assert not verdict.ok and verdict.problems == (problem,)
    assert verdict.guidance == guidance and " / " in guidance


def test_first_problem_decides_the_guidance():
    verdict = assess_quality(dataclasses.replace(GOOD, face_px=10, brightness=10), S)
    assert verdict.problems == ("too_small", "too_dark") and verdict.guidance == GUIDE_CLOSER


def test_blurry_face_is_refused():
    assert assess_quality(dataclasses.replace(GOOD, sharpness=1.0), S).problems == ("blurry",)


@pytest.mark.parametrize("areas, expected", [
    ([], None), ([100.0], 0), ([100.0, 400.0], 1), ([400.0, 390.0], None),
    ([50.0, 400.0, 100.0], 1)])
def test_one_dominant_face(areas, expected):
    assert dominant_face_index(areas, S) == expected


def test_passive_bands():
    assert passive_liveness(0.2, S) is Liveness.SPOOF
    assert passive_liveness(0.7, S) is Liveness.NEEDS_CHALLENGE
    assert passive_liveness(0.95, S) is Liveness.LIVE


def test_challenge_needed_when_not_clearly_live_or_amount_high():
    assert not challenge_required(0.95, 100, S)
    assert challenge_required(0.7, 100, S)
    assert challenge_required(0.95, S.challenge_amount_fen, S)


def test_liveness_combines_passive_amount_and_challenge():
    assert liveness_decision(0.95, 100, S) is Liveness.LIVE
    assert liveness_decision(0.7, 100, S) is Liveness.NEEDS_CHALLENGE
    assert liveness_decision(0.7, 100, S, challenge_passed=True) is Liveness.LIVE
    assert liveness_decision(0.7, 100, S, challenge_passed=False) is Liveness.SPOOF
    assert liveness_decision(0.95, S.challenge_amount_fen, S) is Liveness.NEEDS_CHALLENGE
    # a replayed video can blink: a low passive score is never rescued by the challenge
    assert liveness_decision(0.3, 100, S, challenge_passed=True) is Liveness.SPOOF


def test_match_needs_threshold_and_margin():
    assert match_decision(0.30, -1.0, S) is MatchOutcome.NO_MATCH
    assert match_decision(0.65, 0.60, S) is MatchOutcome.AMBIGUOUS
    assert match_decision(0.65, 0.10, S) is MatchOutcome.MATCH


def test_decision_table():
    assert decide(match=MatchOutcome.MATCH, liveness=Liveness.LIVE) is Decision.PAY
    assert decide(match=MatchOutcome.MATCH, liveness=Liveness.NEEDS_CHALLENGE) is Decision.CHALLENGE
    assert decide(match=MatchOutcome.MATCH, liveness=Liveness.SPOOF) is Decision.REJECT
    assert decide(match=MatchOutcome.AMBIGUOUS, liveness=Liveness.LIVE) is Decision.REJECT
    assert decide(match=MatchOutcome.NO_MATCH, liveness=Liveness.LIVE) is Decision.REJECT


def test_evidence_holds_numbers_and_labels_only():
    result = IdentificationResult(Decision.PAY, "m1", 0.712345, 0.1, 0.612345, 0.99,
                                  Liveness.LIVE, "blink", "w600k_mbf:9cc6e4a7",
                                  match_outcome=MatchOutcome.MATCH, candidate_id="m1")
    evidence = result.evidence()
    assert evidence == {"score": 0.7123, "second_score": 0.1, "margin": 0.6123,
                        "passive_score": 0.99, "liveness": "live", "challenge": "blink",
                        "template_version": "w600k_mbf:9cc6e4a7"}
    assert result.to_dict()["decision"] == "pay"
