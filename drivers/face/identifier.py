"""From a frame analysis to an ``IdentificationResult``: quality gate, passive (and
active) liveness, 1:N match, decision. The rules themselves live in
``terminal.face_policy``; this module only feeds them the measurements.
"""

from __future__ import annotations

from terminal.face_policy import (GUIDE_NO_FACE, GUIDE_ONE_PERSON, Decision,
                                  IdentificationResult, Liveness, MatchOutcome,
                                  assess_quality, decide, liveness_decision, match_decision)
from terminal.ports.face import FaceGallery, FrameAnalysis
from terminal.settings.face_section import FaceSettings


def identify_analysis(analysis: FrameAnalysis, gallery: FaceGallery, settings: FaceSettings,
                      *, amount_fen: int = 0, challenge: str | None = None,
                      challenge_passed: bool | None = None) -> IdentificationResult:
    """Decide on one analysed frame. ``challenge_passed`` is the active challenge's
    result for this face track (None when none was run)."""
    face = analysis.dominant
    version = getattr(gallery, "template_version", "")
    if face is None:
        guidance = GUIDE_ONE_PERSON if analysis.faces_found > 1 else GUIDE_NO_FACE
        problem = "several_faces" if analysis.faces_found > 1 else "no_face"
        return IdentificationResult(Decision.RETRY, None, -1.0, -1.0, 0.0, 0.0,
                                    Liveness.NEEDS_CHALLENGE, challenge, version,
                                    (problem,), guidance)
    match = gallery.identify(face.embedding)
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
        passive_score=face.passive_score, liveness=liveness, challenge=challenge,
        template_version=match.template_version, quality_problems=quality.problems,
        guidance=quality.guidance, match_outcome=outcome, candidate_id=match.member_id)
