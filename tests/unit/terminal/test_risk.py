"""Step-up and velocity rules; a non-face tender is always offered."""

from __future__ import annotations

from terminal.errors import QueueError
from terminal.face_policy import Decision, IdentificationResult, Liveness, MatchOutcome
from terminal.risk import (NON_FACE_TENDERS, RiskAction, RiskRules, StepUpMethod,
                           phone_last4_matches)
from terminal.settings.face_section import FaceSettings

S = FaceSettings(step_up_amount_fen=50_000, step_up_margin=0.15, step_up_after_failures=2,
                 velocity_max_count=3, velocity_max_fen=60_000, velocity_window_s=3600)


def identified(margin: float = 0.5, decision: Decision = Decision.PAY) -> IdentificationResult:
    return IdentificationResult(decision, "m1" if decision is Decision.PAY else None,
                                0.7, 0.7 - margin, margin, 0.99, Liveness.LIVE, None, "v1",
                                match_outcome=MatchOutcome.MATCH)


def test_small_clear_payment_is_allowed():
    decision = RiskRules(S).assess(identified(), 1_000, now_s=0)
    assert decision.action is RiskAction.ALLOW and decision.reasons == ()
    assert decision.other_tenders == NON_FACE_TENDERS


def test_large_amount_asks_for_step_up():
    decision = RiskRules(S).assess(identified(), 50_000, now_s=0)
    assert decision.action is RiskAction.STEP_UP and decision.reasons == ("amount",)
    assert decision.method is StepUpMethod.PHONE_LAST4 and " / " in decision.message


def test_low_margin_and_failures_ask_for_step_up():
    rules = RiskRules(S)
    assert rules.assess(identified(margin=0.1), 100, now_s=0).reasons == ("low_margin",)
    assert rules.assess(identified(), 100, now_s=0, failed_attempts=2).reasons == \
        ("failed_attempts",)
    pin = rules.assess(identified(), 100, now_s=0, failed_attempts=5, method=StepUpMethod.PIN)
    assert pin.method is StepUpMethod.PIN and "PIN" in pin.message


def test_not_identified_is_refused_with_other_tenders():
    decision = RiskRules(S).assess(identified(decision=Decision.REJECT), 100, now_s=0)
    assert decision.action is RiskAction.REFUSE and decision.other_tenders == NON_FACE_TENDERS


def test_velocity_count_per_member_and_window():
    rules = RiskRules(S)
    for t in (0, 10, 20):
        assert rules.assess(identified(), 100, now_s=t).action is RiskAction.ALLOW
        rules.record_payment("m1", 100, t)
    refused = rules.assess(identified(), 100, now_s=30)
    assert refused.action is RiskAction.REFUSE and refused.reasons == ("velocity",)
    # the window slides: an hour after the first payment one more is allowed
    assert rules.assess(identified(), 100, now_s=3600.5).action is RiskAction.ALLOW


def test_velocity_amount_limit():
    rules = RiskRules(S)
    rules.record_payment("m1", 40_000, 0)
    assert rules.assess(identified(), 30_000, now_s=5).reasons == ("velocity",)
    rules.record_payment("m2", 40_000, 0)   # another member's payments do not count
    assert rules.assess(identified(), 20_000, now_s=5).action is RiskAction.ALLOW


def test_phone_last4_check():
    assert phone_last4_matches("1234", "1234")
    assert phone_last4_matches(" 1234 ", "1234")
    assert not phone_last4_matches("1235", "1234")
    assert not phone_last4_matches("12a4", "12a4")
    assert not phone_last4_matches("", "1234")


class BrokenLedger:
    def __init__(self, read_ok: bool) -> None:
        self.read_ok = read_ok

    def record_face_payment(self, member_id, amount_fen, at_s, keep_s):
        raise QueueError("disk full")

    def face_payments_since(self, member_id, since_s):
        if not self.read_ok:
            raise QueueError("store unreadable")
        return []


def test_unreadable_ledger_refuses_face_pay_with_other_tenders():
    decision = RiskRules(S, ledger=BrokenLedger(read_ok=False)).assess(identified(), 100,
                                                                       now_s=0)
    assert decision.action is RiskAction.REFUSE and decision.reasons == ("velocity_unavailable",)
    assert decision.other_tenders == NON_FACE_TENDERS


def test_unwritable_ledger_keeps_the_payment_in_memory():
    rules = RiskRules(S, ledger=BrokenLedger(read_ok=True))
    for t in (0, 10, 20):
        rules.record_payment("m1", 100, t)
    assert rules.assess(identified(), 100, now_s=30).reasons == ("velocity",)
