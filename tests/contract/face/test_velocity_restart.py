"""Velocity limits survive a restart: the face store (a real SQLite file) is the ledger."""

from __future__ import annotations

from offline_queue.face_store import open_face_store
from terminal.face_policy import Decision, IdentificationResult, Liveness, MatchOutcome
from terminal.risk import DeferredLedger, RiskAction, RiskRules
from terminal.settings.face_section import FaceSettings

S = FaceSettings(velocity_max_count=3, velocity_max_fen=60_000, velocity_window_s=3600)


def identified(member: str) -> IdentificationResult:
    return IdentificationResult(Decision.PAY, member, 0.7, 0.1, 0.6, 0.99, Liveness.LIVE,
                                None, "v1", match_outcome=MatchOutcome.MATCH)


def open_rules(folder) -> tuple[RiskRules, object]:
    store = open_face_store(folder / "payterm.db", folder / "keys" / "face.key")
    return RiskRules(S, ledger=store), store


def test_counts_and_amounts_survive_a_restart(tmp_path):
    rules, store = open_rules(tmp_path)
    for t in (0, 10, 20):
        assert rules.assess(identified("m1"), 100, now_s=t).action is RiskAction.ALLOW
        rules.record_payment("m1", 100, t)
    rules.record_payment("m2", 50_000, 25)
    store.close()                                        # the kiosk restarts

    rules, store = open_rules(tmp_path)
    assert rules.assess(identified("m1"), 100, now_s=30).reasons == ("velocity",)
    assert rules.assess(identified("m2"), 20_000, now_s=30).reasons == ("velocity",)
    assert rules.assess(identified("m3"), 100, now_s=30).action is RiskAction.ALLOW
    # the window still slides after the restart
    assert rules.assess(identified("m1"), 100, now_s=3600.5).action is RiskAction.ALLOW
    store.close()


def test_old_payments_are_pruned_and_the_ledger_opens_lazily(tmp_path):
    opened = []

    def open_store():
        opened.append(1)
        return open_face_store(tmp_path / "payterm.db", tmp_path / "keys" / "face.key")

    ledger = DeferredLedger(open_store)
    rules = RiskRules(S, ledger=ledger)
    assert opened == []
    rules.record_payment("m1", 100, 0)
    rules.record_payment("m1", 100, 5000)                # prunes the payment at 0
    store = open_store()
    assert store.face_payments_since("m1", -1) == [(5000.0, 100)]
    assert len(opened) == 2
    store.close()
    ledger._get().close()
