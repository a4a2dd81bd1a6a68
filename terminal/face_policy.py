"""Face-pay decisions: quality gate, liveness and match rules (pure, no I/O).

The drivers measure (face size, pose, sharpness, brightness, passive live score,
similarity); this module decides. Thresholds come from ``FaceSettings``. The outcome of
one identification is an ``IdentificationResult``: the evidence a member payment carries
(scores, margin, liveness, template version) and never an image or a template.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from terminal.settings.face_section import FaceSettings

GUIDE_CLOSER = "请靠近一点 / Please come closer"
GUIDE_FACE_SCREEN = "请正对屏幕 / Face the screen"
GUIDE_TOO_DARK = "光线太暗 / Too dark"
GUIDE_TOO_BRIGHT = "光线太亮 / Too bright"
GUIDE_HOLD_STILL = "请保持不动 / Please hold still"
GUIDE_NO_FACE = "未检测到人脸 / No face found"
GUIDE_ONE_PERSON = "请一人刷脸 / One person at a time, please"


@dataclass(frozen=True)
class FaceQualityMetrics:
    """What the engine measured on one face (pixels, ratios, grey levels)."""

    face_px: float          # shorter side of the detector box, pixels
    yaw_ratio: float        # signed nose offset from the eye midline / eye distance
    pitch_ratio: float      # signed deviation of the nose between eye and mouth lines
    sharpness: float        # variance of the Laplacian on the 112-px aligned crop
    brightness: float       # mean grey level of the aligned crop, 0..255


@dataclass(frozen=True)
class QualityVerdict:
    ok: bool
    problems: tuple[str, ...]   # machine-readable: "too_small", "pose", "blurry", ...
    guidance: str               # one bilingual sentence for the customer ("" when ok)


def assess_quality(m: FaceQualityMetrics, s: FaceSettings) -> QualityVerdict:
    """Quality gate for one face. The first problem decides the guidance shown."""
    found: list[tuple[str, str]] = []
    if m.face_px < s.min_face_px:
        found.append(("too_small", GUIDE_CLOSER))
    if abs(m.yaw_ratio) > s.max_yaw_ratio or abs(m.pitch_ratio) > s.max_pitch_ratio:
        found.append(("pose", GUIDE_FACE_SCREEN))
    if m.brightness < s.min_brightness:
        found.append(("too_dark", GUIDE_TOO_DARK))
    elif m.brightness > s.max_brightness:
        found.append(("too_bright", GUIDE_TOO_BRIGHT))
    if m.sharpness < s.min_sharpness:
        found.append(("blurry", GUIDE_HOLD_STILL))
    if not found:
        return QualityVerdict(True, (), "")
    return QualityVerdict(False, tuple(p for p, _ in found), found[0][1])


def dominant_face_index(areas: list[float], s: FaceSettings) -> int | None:
    """Index of the one dominant face, or None when no face or no clear winner.

    A payment must never be made for the wrong one of two people standing together, so
    the largest face has to be clearly bigger than the next one.
    """
    if not areas:
        return None
    order = sorted(range(len(areas)), key=lambda i: areas[i], reverse=True)
    if len(order) > 1 and areas[order[0]] < s.dominance_ratio * areas[order[1]]:
        return None
    return order[0]


class Liveness(str, Enum):
    LIVE = "live"                    # passive clearly live, or the challenge was passed
    NEEDS_CHALLENGE = "needs_challenge"
    SPOOF = "spoof"                  # passive score too low, or the challenge failed


def passive_liveness(score: float, s: FaceSettings) -> Liveness:
    """Decision from the passive anti-spoofing score alone (no amount considered)."""
    if score < s.passive_live_threshold:
        return Liveness.SPOOF
    if score >= s.clearly_live_threshold:
        return Liveness.LIVE
    return Liveness.NEEDS_CHALLENGE


def challenge_required(passive_score: float, amount_fen: int, s: FaceSettings) -> bool:
    """Active challenge needed: passive not clearly live, or the amount is high."""
    return passive_score < s.clearly_live_threshold or amount_fen >= s.challenge_amount_fen


def liveness_decision(passive_score: float, amount_fen: int, s: FaceSettings,
                      challenge_passed: bool | None = None) -> Liveness:
    """Combine passive score, amount and (if run) the active challenge result.

    ``challenge_passed`` is None while no challenge has been run. A low passive score is
    a spoof whatever the challenge says: a replayed video can blink.
    """
    if passive_score < s.passive_live_threshold:
        return Liveness.SPOOF
    if not challenge_required(passive_score, amount_fen, s):
        return Liveness.LIVE
    if challenge_passed is None:
        return Liveness.NEEDS_CHALLENGE
    return Liveness.LIVE if challenge_passed else Liveness.SPOOF


class MatchOutcome(str, Enum):
    MATCH = "match"
    NO_MATCH = "no_match"            # best score under the threshold: a stranger
    AMBIGUOUS = "ambiguous"          # two members too close to tell apart


def match_decision(best: float, second: float, s: FaceSettings) -> MatchOutcome:
    """Threshold on the best member, margin over the second-best member."""
    if best < s.match_threshold:
        return MatchOutcome.NO_MATCH
    if best - second < s.match_margin:
        return MatchOutcome.AMBIGUOUS
    return MatchOutcome.MATCH


class Decision(str, Enum):
    PAY = "pay"                      # identified and live: may go on to risk rules
    CHALLENGE = "challenge"          # identified, but the active challenge is needed
    RETRY = "retry"                  # quality too low or no single face: guide and retry
    REJECT = "reject"                # spoof, stranger or ambiguous: offer another tender


@dataclass(frozen=True)
class IdentificationResult:
    """One identification attempt and its evidence. Never holds an image or template."""

    decision: Decision
    member_id: str | None
    score: float                     # cosine similarity with the best member
    second_score: float              # best score of any other member (-1 if none)
    margin: float
    passive_score: float
    liveness: Liveness
    challenge: str | None            # "blink", "turn_left", "turn_right" or None
    template_version: str
    quality_problems: tuple[str, ...] = ()
    guidance: str = ""
    match_outcome: MatchOutcome = MatchOutcome.NO_MATCH
    #: The closest member even when not accepted; for staff diagnostics, never evidence.
    candidate_id: str | None = None

    def evidence(self) -> dict[str, Any]:
        """The match evidence for a MemberPayRequest (numbers and labels only)."""
        return {"score": round(self.score, 4), "second_score": round(self.second_score, 4),
                "margin": round(self.margin, 4), "passive_score": round(self.passive_score, 4),
                "liveness": self.liveness.value, "challenge": self.challenge,
                "template_version": self.template_version}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["decision"] = self.decision.value
        data["liveness"] = self.liveness.value
        data["quality_problems"] = list(self.quality_problems)
        data["match_outcome"] = self.match_outcome.value
        return data


def decide(*, match: MatchOutcome, liveness: Liveness) -> Decision:
    """The overall decision once quality passed."""
    if liveness is Liveness.SPOOF or match is not MatchOutcome.MATCH:
        return Decision.REJECT
    if liveness is Liveness.NEEDS_CHALLENGE:
        return Decision.CHALLENGE
    return Decision.PAY
