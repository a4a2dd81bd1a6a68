"""One analysed frame, as plain facts, and the identification decision on it.

The face driver turns a camera frame into ``FrameFacts``: how many faces, and for the
one dominant face its box, quality metrics, passive live score, the gallery's best and
second-best member scores and (while a challenge runs) the landmark measures. No image,
embedding or landmark array reaches this module. ``identify`` applies the rules of
``terminal.face_policy`` to those facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from terminal.active_challenge import ChallengeKind, ChallengeMeasures
from terminal.face_policy import (GUIDE_NO_FACE, GUIDE_ONE_PERSON, Decision,
                                  FaceQualityMetrics, IdentificationResult, Liveness,
                                  MatchOutcome, assess_quality, decide, liveness_decision,
                                  match_decision)
from terminal.ports.face import GalleryMatch
from terminal.settings.face_section import FaceSettings


@dataclass(frozen=True)
class FaceFacts:
    """The dominant face of one frame, measured."""

    bbox: tuple[float, float, float, float]    # x1, y1, x2, y2 in frame pixels
    quality: FaceQualityMetrics
    passive_score: float                       # 0..1 live probability
    match: GalleryMatch                        # best / second-best member similarity
    measures: ChallengeMeasures | None = None  # only when landmarks were measured


@dataclass(frozen=True)
class FrameFacts:
    faces_found: int
    face: FaceFacts | None                     # None: no face, or no single clear face
    template_version: str = ""                 # the gallery's recognizer version


def identify(frame: FrameFacts, settings: FaceSettings, *, amount_fen: int = 0,
             challenge: ChallengeKind | None = None,
             challenge_passed: bool | None = None) -> IdentificationResult:
    """Decide on one frame. ``challenge_passed`` is the active challenge's result for
    this face track (None while none has been finished)."""
    challenge_name = challenge.value if challenge is not None else None
    face = frame.face
    if face is None:
        several = frame.faces_found > 1
        return IdentificationResult(
            Decision.RETRY, None, -1.0, -1.0, 0.0, 0.0, Liveness.NEEDS_CHALLENGE,
            challenge_name, frame.template_version, ("several_faces" if several else "no_face",),
            GUIDE_ONE_PERSON if several else GUIDE_NO_FACE)
    match = face.match
    margin = match.score - match.second_score if match.member_id else 0.0
    liveness = liveness_decision(face.passive_score, amount_fen, settings, challenge_passed)
    quality = assess_quality(face.quality, settings)
    outcome = match_decision(match.score, match.second_score, settings)
    if not quality.ok and liveness is not Liveness.SPOOF:
        decision = Decision.RETRY
    else:
        decision = decide(match=outcome, liveness=liveness)
    matched = outcome is MatchOutcome.MATCH
    return IdentificationResult(
        decision=decision, member_id=match.member_id if matched else None,
        score=match.score, second_score=match.second_score, margin=margin,
        passive_score=face.passive_score, liveness=liveness, challenge=challenge_name,
        template_version=match.template_version, quality_problems=quality.problems,
        guidance=quality.guidance, match_outcome=outcome, candidate_id=match.member_id)
