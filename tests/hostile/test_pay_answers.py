"""Signed answers that are not about the payment in hand never approve it.

Each test is an attack from the issue: a re-signed answer with another amount, number
or terminal id; a replayed answer of an older trade; another method's answer under the
pay key; answers swapped between trades; the same during resolution by query and
cancel. The host's ledger says what really happened; the terminal may only show
"approved" when the host really took this payment's amount for this trade number.
"""

from __future__ import annotations

from drivers.host.simulator.behaviours import Behaviour
from drivers.host.wire import METHOD_CANCEL, METHOD_PAY, METHOD_PING, METHOD_QUERY
from tests.hostile.conftest import charged_fen
from tests.hostile.hostile_proxy import Body, transplant

HUNDRED = 10_000


def on(method, attack):
    """Apply ``attack`` only to requests of ``method``."""
    return lambda exchange: attack(exchange) if exchange.method == method else None


def held_or_not_paid(terminal, sim, no) -> None:
    """Either the host took nothing and the terminal says so, or it is held."""
    state = terminal.journal.get(no).state.value
    assert state != "approved"
    if state != "held":
        assert state in ("cancelled", "closed", "declined"), state
        assert charged_fen(sim, no) == 0


def test_the_proxy_alone_changes_nothing(terminal, proxy, sim):
    result = terminal.pay(HUNDRED)
    assert result.approved
    assert terminal.approving_event(result.attempt.out_trade_no) == "pay_answered"
    assert charged_fen(sim, result.attempt.out_trade_no) == HUNDRED
    assert proxy.methods_seen() == [METHOD_PAY]


def test_resigned_lower_amount_does_not_approve_the_pay(terminal, proxy, sim):
    proxy.attack = on(METHOD_PAY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_PAY, total_amount="0.01")))
    result = terminal.pay(HUNDRED)
    no = result.attempt.out_trade_no
    # The host did take 100.00 for this trade: a checked query may say so, the forged
    # answer may not.
    assert terminal.approving_event(no) == "query_answered"
    assert result.approved and charged_fen(sim, no) == HUNDRED
    history = [e["state"] for e in terminal.journal.history(no)]
    assert "answer_inconsistent" in history


def test_a_host_that_keeps_disagreeing_holds_the_payment(terminal, proxy, sim):
    """Pay and query answers both re-signed with another amount: held for a person."""
    proxy.attack = lambda ex: (Body(proxy.resign(ex.forward(), ex.method, total_amount="0.01"))
                               if ex.method in (METHOD_PAY, METHOD_QUERY) else None)
    result = terminal.pay(HUNDRED)
    attempt = terminal.journal.get(result.attempt.out_trade_no)
    assert not result.approved
    assert attempt.state.value == "held" and attempt.needs_attention
    assert "主机应答不一致" in result.message


def test_answer_naming_another_trade_does_not_approve(terminal, proxy, sim):
    earlier = terminal.pay(HUNDRED).attempt.out_trade_no
    genuine = proxy.genuine(METHOD_PAY, earlier)
    # Not sent to the host at all; answered with a re-signed success for another number.
    proxy.attack = on(METHOD_PAY, lambda ex: Body(proxy.resign(
        genuine, METHOD_PAY, out_trade_no=earlier + "9", total_amount="100.00")))
    result = terminal.pay(HUNDRED)
    assert not result.approved
    held_or_not_paid(terminal, sim, result.attempt.out_trade_no)


def test_replayed_success_of_an_older_trade_does_not_approve(terminal, proxy, sim):
    earlier = terminal.pay(HUNDRED).attempt.out_trade_no
    replay = proxy.genuine(METHOD_PAY, earlier)
    proxy.attack = on(METHOD_PAY, lambda ex: Body(replay))      # never reaches the host
    result = terminal.pay(HUNDRED)
    no = result.attempt.out_trade_no
    assert not result.approved
    assert no not in {t["out_trade_no"] for t in sim.ledger.charges()}
    held_or_not_paid(terminal, sim, no)


def test_ping_answer_under_the_pay_key_does_not_approve(terminal, proxy, sim):
    terminal.client.ping()
    ping = proxy.genuine(METHOD_PING)
    proxy.attack = on(METHOD_PAY, lambda ex: Body(transplant(ping, METHOD_PING, METHOD_PAY)))
    result = terminal.pay(20_000)
    assert not result.approved
    held_or_not_paid(terminal, sim, result.attempt.out_trade_no)


def test_answer_resigned_for_another_terminal_does_not_approve(terminal, proxy, sim):
    proxy.attack = on(METHOD_PAY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_PAY, terminal_id="T9999")))
    result = terminal.pay(HUNDRED)
    assert terminal.approving_event(result.attempt.out_trade_no) != "pay_answered"


def test_answers_swapped_between_trades_are_resolved_by_query(terminal, proxy, sim):
    first = terminal.pay(12_34).attempt.out_trade_no
    other_answer = proxy.genuine(METHOD_PAY, first)

    def swap(exchange):
        exchange.forward()                       # the host books the new trade...
        return Body(other_answer)                # ...the terminal hears about the first
    proxy.attack = on(METHOD_PAY, swap)
    result = terminal.pay(HUNDRED)
    no = result.attempt.out_trade_no
    assert terminal.approving_event(no) == "query_answered"
    assert result.approved and charged_fen(sim, no) == HUNDRED


def test_forged_query_during_resolution_holds_instead_of_approving(terminal, proxy, sim):
    """The pay answer is a genuine system error (the host charged); every query answer
    is re-signed with another amount."""
    proxy.attack = on(METHOD_QUERY, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_QUERY, total_amount="0.01")))
    result = terminal.pay(HUNDRED, Behaviour.SYSTEM_ERROR_BUT_PAID)
    assert not result.approved
    assert terminal.journal.get(result.attempt.out_trade_no).state.value == "held"


def test_replayed_query_of_another_trade_does_not_approve(terminal, proxy, sim):
    """Nothing was booked (system error, no trade); the queries are answered with an
    older trade's genuine TRADE_SUCCESS."""
    earlier = terminal.pay(HUNDRED).attempt.out_trade_no
    terminal.client.query(earlier)
    replay = proxy.genuine(METHOD_QUERY, earlier)
    proxy.attack = on(METHOD_QUERY, lambda ex: Body(replay))
    result = terminal.pay(HUNDRED, Behaviour.SYSTEM_ERROR_NO_TRADE)
    assert not result.approved
    held_or_not_paid(terminal, sim, result.attempt.out_trade_no)


def test_cancel_answer_of_another_trade_does_not_cancel(terminal, proxy, sim):
    """Waiting for a password that never comes; the cancel answers name another trade."""
    proxy.attack = on(METHOD_CANCEL, lambda ex: Body(
        proxy.resign(ex.forward(), METHOD_CANCEL, out_trade_no="T0001OTHER")))
    result = terminal.pay(HUNDRED, Behaviour.PASSWORD_THEN_SUCCESS)
    attempt = terminal.journal.get(result.attempt.out_trade_no)
    assert attempt.state.value != "cancelled"
    assert not any(e["event"] == "cancel_answered" and e["state"] == "cancelled"
                   for e in terminal.journal.history(attempt.out_trade_no))
