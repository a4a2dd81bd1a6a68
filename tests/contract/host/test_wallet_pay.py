"""Wallet trade pay and query against the simulator, one behaviour per code suffix."""

from __future__ import annotations

import time

import pytest

from drivers.host.simulator.behaviours import Behaviour
from terminal.errors import OutcomeUnknown
from terminal.host_messages import PayOutcome, TradeStatus
from tests.contract.host.conftest import pay_request


def wait_for_status(client, out_trade_no, wanted, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while True:
        status = client.query(out_trade_no).status
        if status is wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_approve_charges_once_and_query_agrees(client, sim):
    request = pay_request(total_fen=1234)
    answer = client.pay(request)
    assert answer.outcome is PayOutcome.APPROVED
    assert answer.total_fen == 1234 and answer.host_trade_no
    query = client.query(request.out_trade_no)
    assert query.status is TradeStatus.TRADE_SUCCESS and query.total_fen == 1234
    assert [c["out_trade_no"] for c in sim.ledger.charges()] == [request.out_trade_no]


@pytest.mark.parametrize("behaviour, sub_code", [
    (Behaviour.DECLINE_BALANCE, "ACQ.BUYER_BALANCE_NOT_ENOUGH"),
    (Behaviour.DECLINE_INVALID_CODE, "ACQ.PAYMENT_AUTH_CODE_INVALID"),
])
def test_declines_carry_sub_code_and_charge_nothing(client, sim, behaviour, sub_code):
    request = pay_request(behaviour)
    answer = client.pay(request)
    assert answer.outcome is PayOutcome.DECLINED and answer.sub_code == sub_code
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_CLOSED
    assert sim.ledger.charges() == []


@pytest.mark.parametrize("behaviour, final", [
    (Behaviour.PASSWORD_THEN_SUCCESS, TradeStatus.TRADE_SUCCESS),
    (Behaviour.PASSWORD_THEN_CLOSE, TradeStatus.TRADE_CLOSED),
])
def test_waiting_for_password_then_settles(client, sim, behaviour, final):
    request = pay_request(behaviour)
    assert client.pay(request).outcome is PayOutcome.WAITING_FOR_PASSWORD
    assert client.query(request.out_trade_no).status is TradeStatus.WAIT_BUYER_PAY
    assert wait_for_status(client, request.out_trade_no, final) is final
    charged = [c["out_trade_no"] for c in sim.ledger.charges()]
    assert charged == ([request.out_trade_no] if final is TradeStatus.TRADE_SUCCESS else [])


def test_system_error_without_trade(client, sim):
    request = pay_request(Behaviour.SYSTEM_ERROR_NO_TRADE)
    answer = client.pay(request)
    assert answer.outcome is PayOutcome.UNKNOWN and answer.code == "20000"
    assert client.query(request.out_trade_no).status is TradeStatus.NOT_EXIST
    assert sim.ledger.trades() == []


def test_system_error_but_trade_succeeded(client, sim):
    request = pay_request(Behaviour.SYSTEM_ERROR_BUT_PAID)
    assert client.pay(request).outcome is PayOutcome.UNKNOWN
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS


def test_slow_answer_is_outcome_unknown_but_committed(client, sim):
    request = pay_request(Behaviour.SLOW_SUCCESS)
    with pytest.raises(OutcomeUnknown):
        client.pay(request)
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS


def test_dropped_connection_after_commit_is_outcome_unknown(client, sim):
    request = pay_request(Behaviour.DROP_AFTER_COMMIT)
    with pytest.raises(OutcomeUnknown):
        client.pay(request)
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS


def test_repeated_pay_never_charges_twice(client, sim):
    request = pay_request(total_fen=500)
    first = client.pay(request)
    second = client.pay(request)
    assert first.outcome is second.outcome is PayOutcome.APPROVED
    assert second.host_trade_no == first.host_trade_no
    charges = sim.ledger.charges()
    assert len(charges) == 1 and charges[0]["net_fen"] == 500


def test_repeat_after_unknown_returns_the_existing_trade(client, sim):
    request = pay_request(Behaviour.DROP_AFTER_COMMIT)
    with pytest.raises(OutcomeUnknown):
        client.pay(request)
    # A new pay with the same out_trade_no answers the booked trade, not a new charge.
    assert client.pay(request).outcome is PayOutcome.APPROVED
    assert len(sim.ledger.charges()) == 1


def test_repeat_while_waiting_answers_waiting(client):
    request = pay_request(Behaviour.PASSWORD_THEN_SUCCESS)
    assert client.pay(request).outcome is PayOutcome.WAITING_FOR_PASSWORD
    assert client.pay(request).outcome in (PayOutcome.WAITING_FOR_PASSWORD, PayOutcome.APPROVED)


def test_payment_code_is_single_use(client, sim):
    first = pay_request()
    assert client.pay(first).outcome is PayOutcome.APPROVED
    again = pay_request(auth_code=first.auth_code)
    answer = client.pay(again)
    assert answer.outcome is PayOutcome.DECLINED
    assert answer.sub_code == "ACQ.PAYMENT_AUTH_CODE_INVALID"
    assert len(sim.ledger.charges()) == 1


def test_same_trade_no_with_other_amount_is_not_a_new_charge(client, sim):
    request = pay_request(total_fen=100)
    client.pay(request)
    altered = pay_request(total_fen=999, out_trade_no=request.out_trade_no,
                          auth_code=request.auth_code)
    answer = client.pay(altered)
    # The host holds the number with other content and did not take this request: a
    # decline (whatever a query would find under that number is not this payment).
    assert answer.outcome is PayOutcome.DECLINED
    assert answer.sub_code == "ACQ.CONTEXT_INCONSISTENT"
    assert [c["amount_fen"] for c in sim.ledger.charges()] == [100]


def test_not_a_payment_code_is_declined(client):
    answer = client.pay(pay_request(auth_code="9912345678901234"))
    assert answer.outcome is PayOutcome.DECLINED
    assert answer.sub_code == "ACQ.PAYMENT_AUTH_CODE_INVALID"


def test_default_behaviour_applies_to_every_code(client, sim):
    sim.app.update_config(default_behaviour=Behaviour.DECLINE_BALANCE.value)
    answer = client.pay(pay_request(Behaviour.APPROVE))
    assert answer.sub_code == "ACQ.BUYER_BALANCE_NOT_ENOUGH"


def test_ledger_survives_a_restart(tmp_path, keys_dir, sim_config):
    from drivers.host.simulator.runner import start_simulator
    from tests.contract.host.conftest import make_client
    db = tmp_path / "ledger.db"
    request = pay_request()
    with start_simulator(db, keys_dir, sim_config) as first:
        with make_client(first, keys_dir) as c:
            c.pay(request)
    with start_simulator(db, keys_dir, sim_config) as second:
        with make_client(second, keys_dir) as c:
            assert c.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS
            assert c.pay(request).outcome is PayOutcome.APPROVED
        assert len(second.ledger.charges()) == 1
