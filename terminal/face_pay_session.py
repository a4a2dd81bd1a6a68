"""One face-pay attempt as a state machine: facts in, the next step out.

The kiosk starts a ``FacePaySession`` for an amount and feeds it one ``FrameFacts`` per
analysed camera frame. Each ``feed`` answers what happens next, as data:

* ``IDENTIFY``  keep looking at the camera (``guidance`` says what to fix, "" when there
  is nothing to tell the customer, e.g. a frame that matched nobody);
* ``CHALLENGE`` do the active challenge ``challenge`` (blink, turn left or right);
* ``STEP_UP``   identified, live and within the limits, but ask for ``step_up_method``
  (the phone's last four digits) before paying;
* ``PAY``       identified, live and within the limits: confirm and charge;
* ``REFUSE``    face-pay is over for this attempt (spoof, stranger, limits): ``message``
  says so and another way to pay is offered.

``STEP_UP``, ``PAY`` and ``REFUSE`` end the session; a finished session answers None.
The approved identification counts in the member's velocity window at once (as a face
payment about to be confirmed), so two kiosks cannot both pass the same limit.

No camera, model or thread here: the session is driven by whoever owns the frames, and
its rules are tested with plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Mapping

from terminal.active_challenge import (ChallengeKind, ChallengeState, ChallengeTracker,
                                       random_challenge)
from terminal.face_identification import FrameFacts, identify
from terminal.face_policy import Decision, IdentificationResult
from terminal.risk import NON_FACE_TENDERS, RiskAction, RiskRules, StepUpMethod
from terminal.settings.face_section import FaceSettings

#: Consecutive frames refused (stranger, ambiguous, spoof) before face-pay gives up.
MAX_REJECTED_FRAMES = 8

LIVENESS_FAILED = ("活体检测未通过，请改用付款码 / Liveness check failed: please pay with a "
                   "payment code")
NOT_RECOGNISED = ("未能识别为会员，请改用付款码或现金 / Not recognised as a member: please pay "
                  "with a payment code or cash")


class NextStep(str, Enum):
    IDENTIFY = "identify"
    CHALLENGE = "challenge"
    STEP_UP = "step_up"
    PAY = "pay"
    REFUSE = "refuse"

    @property
    def ends_session(self) -> bool:
        return self in (NextStep.STEP_UP, NextStep.PAY, NextStep.REFUSE)


@dataclass(frozen=True)
class FacePayStep:
    """What happens next, and why. Never holds an image or a template."""

    action: NextStep
    guidance: str = ""                              # IDENTIFY: bilingual, for the customer
    challenge: ChallengeKind | None = None          # CHALLENGE: what to do
    member_id: str | None = None                    # STEP_UP / PAY
    step_up_method: StepUpMethod | None = None      # STEP_UP
    message: str = ""                               # REFUSE / STEP_UP: bilingual sentence
    reasons: tuple[str, ...] = ()                   # machine-readable: "velocity", ...
    other_tenders: tuple[str, ...] = NON_FACE_TENDERS
    #: The identification this step rests on (None for challenge failures).
    identification: IdentificationResult | None = field(default=None, repr=False)

    @property
    def evidence(self) -> Mapping[str, Any]:
        """The match evidence a member payment carries (numbers and labels only)."""
        return self.identification.evidence() if self.identification is not None else {}


class FacePaySession:
    """Rules for one face-pay attempt of ``amount_fen``.

    ``risk`` holds the velocity ledger (shared by every session of the kiosk);
    ``failed_attempts`` counts face attempts that already failed in this checkout;
    ``choose_challenge`` picks the active challenge (random in a shop, fixed in tests).
    """

    def __init__(self, amount_fen: int, settings: FaceSettings, risk: RiskRules, *,
                 failed_attempts: int = 0,
                 choose_challenge: Callable[[], ChallengeKind] = random_challenge) -> None:
        self.amount_fen = amount_fen
        self._settings = settings
        self._risk = risk
        self._failed_attempts = failed_attempts
        self._choose_challenge = choose_challenge
        self._challenge: ChallengeTracker | None = None
        self._challenge_passed: bool | None = None
        self._rejected = 0
        self.outcome: FacePayStep | None = None

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def needs_landmarks(self) -> bool:
        """Whether the next frames must carry the landmark measures (a challenge runs)."""
        return self._challenge is not None and self._challenge_passed is None

    @property
    def challenge(self) -> ChallengeKind | None:
        return self._challenge.kind if self._challenge is not None else None

    def feed(self, frame: FrameFacts, *, now_s: float) -> FacePayStep | None:
        """Decide on one frame (``now_s``: wall-clock seconds, for the velocity window).
        Returns None once the session has finished."""
        if self.outcome is not None:
            return None
        failed = self._feed_challenge(frame)
        if failed is not None:
            return failed
        result = identify(frame, self._settings, amount_fen=self.amount_fen,
                          challenge=self.challenge, challenge_passed=self._challenge_passed)
        if result.decision is Decision.RETRY:
            return FacePayStep(NextStep.IDENTIFY, guidance=result.guidance,
                               reasons=result.quality_problems, identification=result)
        if result.decision is Decision.CHALLENGE:
            if self._challenge is None:
                self._challenge = ChallengeTracker(self._choose_challenge(), self._settings)
            return FacePayStep(NextStep.CHALLENGE, challenge=self._challenge.kind,
                               identification=result)
        if result.decision is Decision.REJECT:
            self._rejected += 1
            if self._rejected >= MAX_REJECTED_FRAMES:
                return self._finish(FacePayStep(
                    NextStep.REFUSE, message=NOT_RECOGNISED,
                    reasons=(result.match_outcome.value, result.liveness.value),
                    identification=result))
            return FacePayStep(NextStep.IDENTIFY, reasons=("rejected_frame",),
                               identification=result)
        return self._finish(self._assess(result, now_s))

    def _feed_challenge(self, frame: FrameFacts) -> FacePayStep | None:
        face = frame.face
        if not self.needs_landmarks or face is None or face.measures is None:
            return None
        assert self._challenge is not None
        state = self._challenge.feed(face.bbox, face.measures)
        if state is ChallengeState.PASSED:
            self._challenge_passed = True
        elif state is ChallengeState.FAILED:
            return self._finish(FacePayStep(NextStep.REFUSE, message=LIVENESS_FAILED,
                                            reasons=("challenge_failed",)))
        return None

    def _assess(self, result: IdentificationResult, now_s: float) -> FacePayStep:
        risk = self._risk.assess(result, self.amount_fen, now_s=now_s,
                                 failed_attempts=self._failed_attempts)
        if risk.action is RiskAction.REFUSE:
            return FacePayStep(NextStep.REFUSE, message=risk.message, reasons=risk.reasons,
                               other_tenders=risk.other_tenders, identification=result)
        assert result.member_id is not None
        self._risk.record_payment(result.member_id, self.amount_fen, now_s)
        if risk.action is RiskAction.STEP_UP:
            return FacePayStep(NextStep.STEP_UP, member_id=result.member_id,
                               step_up_method=risk.method, message=risk.message,
                               reasons=risk.reasons, identification=result)
        return FacePayStep(NextStep.PAY, member_id=result.member_id, identification=result)

    def _finish(self, step: FacePayStep) -> FacePayStep:
        self.outcome = step
        return step
