"""The resolver's next step is a StepAction, whose values are the strings it used before
(so logs, and anything that kept one, read the same)."""

import dataclasses

from terminal.attempt import Attempt, Tender
from terminal.resolution import StepAction, plan_next_step
from terminal.settings.resolver_section import WalletTimings
from terminal.transaction import TxState

TIMINGS = WalletTimings(first_query_delay_s=5.0, poll_interval_s=4.0, poll_budget_s=60.0,
                        cancel_not_before_s=0.0)


def attempt(state: TxState = TxState.RESOLVING, **changes) -> Attempt:
    base = Attempt("T1", 1, Tender.WALLET, "alipay", "28**", 100, "s", state, 100.0, 100.0)
    return dataclasses.replace(base, **changes)


def test_each_plan_names_its_action_with_the_enum():
    assert plan_next_step(attempt(), TIMINGS).action is StepAction.QUERY
    assert plan_next_step(attempt(cancelling=True), TIMINGS).action is StepAction.CANCEL
    assert plan_next_step(attempt(TxState.APPROVED), TIMINGS).action is StepAction.DONE
    spent = attempt(query_count=15, last_query_at=158.0)
    assert plan_next_step(spent, TIMINGS).action is StepAction.CANCEL


def test_the_values_are_the_strings_used_before():
    assert [a.value for a in StepAction] == ["query", "cancel", "done"]
    assert StepAction("cancel") is StepAction.CANCEL
    assert StepAction.QUERY == "query"
