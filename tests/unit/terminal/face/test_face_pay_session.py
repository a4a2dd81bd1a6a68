"""Every decision of one face-pay session, on plain facts (no camera, no model)."""

from __future__ import annotations

import dataclasses

import pytest

from terminal.active_challenge import ChallengeKind
from terminal.errors import QueueError
from terminal.face_pay_session import (LIVENESS_FAILED, MAX_REJECTED_FRAMES, NOT_RECOGNISED,
                                       FacePaySession, NextStep)
from terminal.face_policy import GUIDE_CLOSER, GUIDE_NO_FACE
from terminal.risk import NON_FACE_TENDERS, RiskRules, StepUpMethod
from terminal.settings.face_section import FaceSettings
from tests.unit.terminal.face.facts import GOOD, face, no_face

S = FaceSettings(challenge_frames=10, step_up_amount_fen=50_000, velocity_max_count=2,
                 velocity_max_fen=100_000, challenge_amount_fen=20_000)


def session(amount_fen: int = 1_000, *, risk: RiskRules | None = None,
            failed_attempts: int = 0, kind=ChallengeKind.BLINK) -> FacePaySession:
    return FacePaySession(amount_fen, S, risk or RiskRules(S), failed_attempts=failed_attempts,
                          choose_challenge=lambda: kind)


def test_clear_live_member_pays_and_is_counted_for_velocity():
    risk = RiskRules(S)
    pay = session(risk=risk)
    step = pay.feed(face(), now_s=1000.0)
    assert step.action is NextStep.PAY and step.member_id == "m1"
    assert step.evidence["score"] == 0.7 and step.other_tenders == NON_FACE_TENDERS
    assert pay.finished and pay.feed(face(), now_s=1001.0) is None
    assert risk._window("m1", 1001.0) == (1, 1_000)


def test_looking_frames_guide_the_customer_and_keep_the_session_open():
    pay = session()
    assert pay.feed(no_face(), now_s=0).guidance == GUIDE_NO_FACE
    small = dataclasses.replace(GOOD, face_px=30)
    step = pay.feed(face(quality=small), now_s=0)
    assert step.action is NextStep.IDENTIFY and step.guidance == GUIDE_CLOSER
    assert step.reasons == ("too_small",) and not pay.finished


def test_unsure_liveness_asks_for_the_challenge_then_pays_after_a_blink():
    pay = session(kind=ChallengeKind.BLINK)
    step = pay.feed(face(passive=0.8), now_s=0)
    assert step.action is NextStep.CHALLENGE and step.challenge is ChallengeKind.BLINK
    assert pay.needs_landmarks
    for openness in (0.3, 0.3, 0.3, 0.1):
        assert pay.feed(face(passive=0.8, openness=openness), now_s=0).action is \
            NextStep.CHALLENGE
    step = pay.feed(face(passive=0.8, openness=0.3), now_s=0)
    assert step.action is NextStep.PAY and step.evidence["challenge"] == "blink"
    assert not pay.needs_landmarks


def test_frames_without_landmarks_do_not_advance_the_challenge():
    pay = session()
    pay.feed(face(passive=0.8), now_s=0)
    for _ in range(3 * S.challenge_frames):
        assert pay.feed(face(passive=0.8), now_s=0).action is NextStep.CHALLENGE


def test_failed_challenge_refuses_face_pay():
    pay = session(kind=ChallengeKind.TURN_LEFT)
    pay.feed(face(passive=0.8), now_s=0)
    step = None
    for _ in range(S.challenge_frames):
        step = pay.feed(face(passive=0.8, openness=0.3, yaw=0.0), now_s=0)
        if step.action is NextStep.REFUSE:
            break
    assert step.action is NextStep.REFUSE and step.message == LIVENESS_FAILED
    assert step.reasons == ("challenge_failed",) and pay.finished


def test_high_amount_needs_the_challenge_even_for_a_clearly_live_face():
    step = session(30_000).feed(face(passive=0.99), now_s=0)
    assert step.action is NextStep.CHALLENGE


def test_strangers_are_refused_after_repeated_frames_only():
    pay = session()
    for _ in range(MAX_REJECTED_FRAMES - 1):
        step = pay.feed(face(score=0.1, second=0.05), now_s=0)
        assert step.action is NextStep.IDENTIFY and step.guidance == ""
        assert step.reasons == ("rejected_frame",)
    step = pay.feed(face(score=0.1, second=0.05), now_s=0)
    assert step.action is NextStep.REFUSE and step.message == NOT_RECOGNISED
    assert "no_match" in step.reasons


def test_spoof_frames_are_refused_too():
    pay = session()
    steps = [pay.feed(face(passive=0.1), now_s=0) for _ in range(MAX_REJECTED_FRAMES)]
    assert steps[-1].action is NextStep.REFUSE and "spoof" in steps[-1].reasons


def test_large_amount_steps_up_with_the_phone_digits():
    pay = session(50_000)
    pay.feed(face(passive=0.99), now_s=0)          # high amount: challenge first
    for openness in (0.3, 0.3, 0.3, 0.1):
        pay.feed(face(passive=0.99, openness=openness), now_s=0)
    step = pay.feed(face(passive=0.99, openness=0.3), now_s=0)
    assert step.action is NextStep.STEP_UP and step.step_up_method is StepUpMethod.PHONE_LAST4
    assert step.reasons == ("amount",) and " / " in step.message


def test_earlier_failed_attempts_ask_for_step_up():
    step = session(failed_attempts=2).feed(face(), now_s=0)
    assert step.action is NextStep.STEP_UP and step.reasons == ("failed_attempts",)


def test_velocity_limit_refuses_the_third_payment_in_the_window():
    risk = RiskRules(S)
    assert session(risk=risk).feed(face(), now_s=10).action is NextStep.PAY
    assert session(risk=risk).feed(face(), now_s=20).action is NextStep.PAY
    third = session(risk=risk).feed(face(), now_s=30)
    assert third.action is NextStep.REFUSE and third.reasons == ("velocity",)
    later = session(risk=risk).feed(face(), now_s=30 + S.velocity_window_s)
    assert later.action is NextStep.PAY


class UnreadableLedger:
    def record_face_payment(self, member_id, amount_fen, at_s, keep_s) -> None:
        raise QueueError("disk gone")

    def face_payments_since(self, member_id, since_s):
        raise QueueError("disk gone")


def test_an_unreadable_velocity_ledger_refuses_face_pay():
    step = session(risk=RiskRules(S, ledger=UnreadableLedger())).feed(face(), now_s=0)
    assert step.action is NextStep.REFUSE and step.reasons == ("velocity_unavailable",)


@pytest.mark.parametrize("action, ends", [(NextStep.IDENTIFY, False),
                                          (NextStep.CHALLENGE, False),
                                          (NextStep.STEP_UP, True), (NextStep.PAY, True),
                                          (NextStep.REFUSE, True)])
def test_which_steps_end_the_session(action, ends):
    assert action.ends_session is ends
