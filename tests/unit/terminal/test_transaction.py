import pytest
from hypothesis import given, strategies as st

from terminal.errors import IllegalTransition
from terminal.transaction import FINAL_STATES, TxState, can_transition, check_transition


def test_the_happy_paths_are_legal():
    for path in ([TxState.CREATED, TxState.PENDING, TxState.APPROVED, TxState.PARTIALLY_REFUNDED,
                  TxState.REFUNDED],
                 [TxState.CREATED, TxState.PENDING, TxState.UNKNOWN, TxState.RESOLVING,
                  TxState.CANCELLED],
                 [TxState.CREATED, TxState.RESOLVING, TxState.CLOSED]):
        for a, b in zip(path, path[1:]):
            assert check_transition(a, b) is b


@pytest.mark.parametrize("a, b", [(TxState.DECLINED, TxState.APPROVED),
                                  (TxState.CREATED, TxState.APPROVED),
                                  (TxState.UNKNOWN, TxState.APPROVED),
                                  (TxState.CANCELLED, TxState.REFUNDED),
                                  (TxState.APPROVED, TxState.DECLINED)])
def test_illegal_moves_are_rejected(a, b):
    with pytest.raises(IllegalTransition):
        check_transition(a, b)


@given(st.sampled_from(sorted(FINAL_STATES - {TxState.APPROVED, TxState.PARTIALLY_REFUNDED})),
       st.sampled_from(list(TxState)))
def test_nothing_leaves_a_closed_final_state(final, target):
    assert not can_transition(final, target)


@given(st.lists(st.sampled_from(list(TxState)), max_size=12))
def test_random_walks_never_reach_approved_without_a_pending_or_resolving_step(walk):
    state = TxState.CREATED
    visited = [state]
    for target in walk:
        if can_transition(state, target):
            state = target
            visited.append(state)
    if TxState.APPROVED in visited:
        before = visited[visited.index(TxState.APPROVED) - 1]
        assert before in (TxState.PENDING, TxState.RESOLVING, TxState.INCONSISTENT)


@given(st.lists(st.sampled_from(list(TxState)), max_size=16))
def test_a_held_attempt_only_goes_back_to_being_checked(walk):
    """Held is never final and never left except by a person's recheck, which goes
    back to answer_inconsistent (settled by a checked query)."""
    state = TxState.CREATED
    for target in walk:
        if can_transition(state, target):
            if state is TxState.HELD:
                assert target is TxState.INCONSISTENT
            state = target
    assert not TxState.HELD.is_final and not TxState.HELD.needs_resolution
    assert TxState.HELD.needs_person and TxState.INCONSISTENT.needs_resolution


def test_inconsistent_answers_lead_to_held_or_a_checked_final_state():
    for path in ([TxState.CREATED, TxState.PENDING, TxState.INCONSISTENT, TxState.APPROVED],
                 [TxState.CREATED, TxState.PENDING, TxState.UNKNOWN, TxState.RESOLVING,
                  TxState.INCONSISTENT, TxState.HELD, TxState.INCONSISTENT,
                  TxState.CANCELLED]):
        for a, b in zip(path, path[1:]):
            assert check_transition(a, b) is b
    for target in (TxState.APPROVED, TxState.CLOSED, TxState.CANCELLED, TxState.DECLINED):
        assert not can_transition(TxState.HELD, target)
