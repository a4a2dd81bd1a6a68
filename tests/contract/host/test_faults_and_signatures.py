"""Faults between terminal and host: each maps to the error that keeps money safe."""

from __future__ import annotations

import json

import httpx
import pytest

from drivers.host.keys import HOST_PRIVATE
from drivers.host.simulator.faults import Fault
from terminal.errors import HostRejected, HostUnreachable, OutcomeUnknown
from terminal.host_messages import PayOutcome, TradeStatus
from tests.contract.host.conftest import make_client, pay_request


def test_host_down_is_unreachable_and_nothing_was_booked(sim, keys_dir):
    sim.take_down()
    with make_client(sim, keys_dir, connect_retries=1) as client:
        request = pay_request()
        with pytest.raises(HostUnreachable):
            client.pay(request)
        with pytest.raises(HostUnreachable):
            client.query(request.out_trade_no)
        with pytest.raises(HostUnreachable):
            client.ping()
        sim.bring_up()
        assert client.query(request.out_trade_no).status is TradeStatus.NOT_EXIST
    assert sim.ledger.trades() == []


def test_nothing_listening_is_unreachable(keys_dir):
    with make_client(None, keys_dir, connect_retries=0) as client:
        with pytest.raises(HostUnreachable):
            client.pay(pay_request())


@pytest.mark.parametrize("mode", ["http_500", "html", "garbage", "bad_sign", "drop"])
def test_faults_after_commit_make_pay_unknown(client, sim, mode):
    sim.set_fault(Fault(mode, commit=True, count=1))
    request = pay_request()
    with pytest.raises(OutcomeUnknown):
        client.pay(request)
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS
    assert client.pay(request).outcome is PayOutcome.APPROVED
    assert len(sim.ledger.charges()) == 1


@pytest.mark.parametrize("mode", ["http_500", "garbage"])
def test_faults_before_commit_book_nothing(client, sim, mode):
    sim.set_fault(Fault(mode, commit=False, count=1))
    request = pay_request()
    with pytest.raises(OutcomeUnknown):
        client.pay(request)
    assert client.query(request.out_trade_no).status is TradeStatus.NOT_EXIST


def test_slow_answers_time_out_as_unknown(client, sim):
    sim.set_fault(Fault("slow", commit=True, methods=("alipay.trade.query",), delay_s=2.0))
    request = pay_request()
    assert client.pay(request).outcome is PayOutcome.APPROVED
    with pytest.raises(OutcomeUnknown):
        client.query(request.out_trade_no)
    sim.set_fault(None)
    assert client.query(request.out_trade_no).status is TradeStatus.TRADE_SUCCESS


def test_query_may_raise_outcome_unknown_on_garbage(client, sim):
    sim.set_fault(Fault("html", count=1))
    with pytest.raises(OutcomeUnknown):
        client.query("T000120260501NOPE")


def test_request_signed_with_wrong_key_is_refused(sim, keys_dir):
    # The host's own private key is not the terminal's: the host refuses the request.
    with make_client(sim, keys_dir, private_key_file=HOST_PRIVATE) as client:
        with pytest.raises(HostRejected) as caught:
            client.pay(pay_request())
    assert caught.value.code == "40002" and caught.value.sub_code == "isv.invalid-signature"
    assert sim.ledger.trades() == []


def test_answer_checked_with_wrong_host_key_is_unknown(sim, keys_dir, tmp_path):
    # The client believes a different host key: the genuine answer does not verify.
    with make_client(sim, keys_dir, host_public_file="terminal_public.pem") as client:
        request = pay_request()
        with pytest.raises(OutcomeUnknown):
            client.pay(request)
    assert len(sim.ledger.charges()) == 1      # booked: the resolver will find it by query


def test_admin_endpoint_sets_and_clears_faults(client, sim):
    with httpx.Client(trust_env=False) as admin:
        answer = admin.post(f"{sim.admin_url}/faults",
                            json={"mode": "http_500", "count": 2, "commit": False})
        assert answer.status_code == 200 and answer.json()["fault"]["mode"] == "http_500"
        for _ in range(2):
            with pytest.raises(OutcomeUnknown):
                client.ping()
        assert client.ping().host_time_epoch_s > 0        # count used up
        bad = admin.post(f"{sim.admin_url}/faults", json={"mode": "explode"})
        assert bad.status_code == 400
        ledger = admin.get(f"{sim.admin_url}/ledger").json()
        assert set(ledger) == {"trades", "charges", "members"}


def test_admin_down_for_comes_back(client, sim):
    import time
    with httpx.Client(trust_env=False) as admin:
        admin.post(f"{sim.admin_url}/faults", json={"down_for_s": 0.5})
    deadline = time.monotonic() + 3
    saw_down = False
    while time.monotonic() < deadline:
        try:
            client.ping()
            if saw_down:
                break
        except HostUnreachable:
            saw_down = True
        time.sleep(0.05)
    assert saw_down
    assert client.ping().host_time_epoch_s > 0


def test_form_post_without_signature_is_refused(sim):
    with httpx.Client(trust_env=False) as raw:
        answer = raw.post(sim.url, data={"method": "alipay.trade.pay", "sign_type": "RSA2",
                                         "biz_content": json.dumps({"out_trade_no": "X"})})
    body = answer.json()
    assert body["alipay_trade_pay_response"]["sub_code"] == "isv.invalid-signature"
    assert "sign" in body




def test_host_down_also_ends_open_keep_alive_connections(client, sim):
    # The client holds a pooled connection from this first call...
    assert client.ping().host_time_epoch_s > 0
    sim.take_down()
    try:
        # ...which must not keep answering: a host that is down answers nothing.
        with pytest.raises((HostUnreachable, OutcomeUnknown)):
            client.ping()
    finally:
        sim.bring_up()
    assert client.ping().host_time_epoch_s > 0
