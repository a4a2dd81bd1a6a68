"""The simulator keeps docs/host.md: every answer, refusals included, echoes what its
request was about, so the terminal's checks pass on a genuine host; it takes terminal_id
in every biz_content and refuses terminal identities with 40006."""

from __future__ import annotations

import httpx
import pytest

from drivers.host.answer_checks import Asked, answer_problems
from drivers.host.client import HostClient
from drivers.host.keys import HOST_PUBLIC, TERMINAL_PRIVATE, load_private_key, load_public_key
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import TerminalSeed
from drivers.host.wire import (METHOD_BATCH_UPLOAD, METHOD_BILL_DAILY, METHOD_CANCEL,
                               METHOD_MEMBER_BALANCE, METHOD_MEMBER_PAY, METHOD_PAY,
                               METHOD_PING, METHOD_QUERY, METHOD_REFUND, parse_signed_answer,
                               signed_request)
from terminal.bilingual import Bilingual
from terminal.errors import HostRejected
from terminal.money import from_yuan_string
from terminal.settings.host_section import HostSettings
from tests.contract.host.conftest import TERMINAL_ID, make_client, new_trade_no, pay_request

_serial = iter(range(500, 10_000))


class Raw:
    """Signed requests straight to the simulator, answers parsed but not judged."""

    def __init__(self, sim, keys_dir) -> None:
        self.url = sim.url
        self.key = load_private_key(keys_dir / TERMINAL_PRIVATE)
        self.host_key = load_public_key(keys_dir / HOST_PUBLIC)

    def call(self, method: str, biz: dict, *, sign_with=None) -> tuple[dict, bool]:
        params = signed_request(method, biz, app_id="2026000000000001",
                                private_key=sign_with or self.key, now_epoch_s=0)
        body = httpx.post(self.url, data=params, timeout=5).text
        answer = parse_signed_answer(body, method, self.host_key)
        return answer.payload, answer.under_error_key

    def consistent(self, asked: Asked, biz: dict, **kwargs) -> dict:
        payload, under_error = self.call(asked.method, {**biz, "terminal_id": asked.terminal_id},
                                         **kwargs)
        assert answer_problems(asked, payload, under_error_key=under_error) == [], payload
        return payload


@pytest.fixture
def raw(sim, keys_dir):
    return Raw(sim, keys_dir)


def pay(raw: Raw, behaviour: Behaviour, amount: str = "12.34", no: str | None = None,
        code: str | None = None) -> tuple[dict, str, str]:
    no = no or new_trade_no()
    code = code or code_for(behaviour, next(_serial))
    fen = from_yuan_string(amount)
    payload = raw.consistent(Asked(METHOD_PAY, TERMINAL_ID, out_trade_no=no, total_fen=fen),
                             {"out_trade_no": no, "auth_code": code, "total_amount": amount,
                              "subject": "s", "scene": "bar_code"})
    return payload, no, code


@pytest.mark.parametrize("behaviour, code", [
    (Behaviour.APPROVE, "10000"), (Behaviour.DECLINE_BALANCE, "40004"),
    (Behaviour.PASSWORD_THEN_SUCCESS, "10003"), (Behaviour.SYSTEM_ERROR_NO_TRADE, "20000"),
    (Behaviour.SYSTEM_ERROR_BUT_PAID, "20000")])
def test_pay_answers_echo_the_request(raw, behaviour, code):
    payload, _no, _code = pay(raw, behaviour)
    assert payload["code"] == code


def test_refusals_and_conflicts_echo_too(raw, keys_dir):
    _payload, no, code = pay(raw, Behaviour.APPROVE, "1.00")
    conflict, _, _ = pay(raw, Behaviour.APPROVE, "2.00", no=no, code=code)
    assert conflict["sub_code"] == "ACQ.CONTEXT_INCONSISTENT"
    stranger = load_private_key(keys_dir / "host_private.pem")      # not the terminal's key
    asked = Asked(METHOD_PAY, TERMINAL_ID, out_trade_no=new_trade_no(), total_fen=100)
    refused = raw.consistent(asked, {"out_trade_no": asked.out_trade_no, "auth_code": code,
                                     "total_amount": "1.00"}, sign_with=stranger)
    assert refused["sub_code"] == "isv.invalid-signature"


def test_query_cancel_refund_answers_echo_the_request(raw):
    _p, no, _c = pay(raw, Behaviour.APPROVE, "30.00")
    query = raw.consistent(Asked(METHOD_QUERY, TERMINAL_ID, out_trade_no=no),
                           {"out_trade_no": no})
    assert query["trade_status"] == "TRADE_SUCCESS" and query["total_amount"] == "30.00"
    missing = new_trade_no()
    raw.consistent(Asked(METHOD_QUERY, TERMINAL_ID, out_trade_no=missing),
                   {"out_trade_no": missing})
    for amount in ("5.00", "5.00", "99.00"):       # new, repeated, too much
        raw.consistent(Asked(METHOD_REFUND, TERMINAL_ID, out_trade_no=no,
                             out_request_no=f"{no}R{amount}", refund_fen=from_yuan_string(amount)),
                       {"out_trade_no": no, "out_request_no": f"{no}R{amount}",
                        "refund_amount": amount})
    cancel = raw.consistent(Asked(METHOD_CANCEL, TERMINAL_ID, out_trade_no=no),
                            {"out_trade_no": no})
    assert cancel["action"] == "refund"
    nothing = new_trade_no()
    raw.consistent(Asked(METHOD_CANCEL, TERMINAL_ID, out_trade_no=nothing),
                   {"out_trade_no": nothing})
    # The cancel left only a marker: no trade, nothing to answer about but "not there".
    gone = raw.consistent(Asked(METHOD_QUERY, TERMINAL_ID, out_trade_no=nothing),
                          {"out_trade_no": nothing})
    assert gone["sub_code"] == "ACQ.TRADE_NOT_EXIST"


def test_member_balance_ping_batch_and_bill_answers_echo_the_request(raw):
    for member in ("M001", "NOBODY"):
        raw.consistent(Asked(METHOD_MEMBER_BALANCE, TERMINAL_ID, member_id=member),
                       {"member_id": member})
        no = new_trade_no()
        raw.consistent(Asked(METHOD_MEMBER_PAY, TERMINAL_ID, out_trade_no=no, total_fen=300,
                             member_id=member),
                       {"out_trade_no": no, "member_id": member, "total_amount": "3.00",
                        "subject": "s", "evidence": {"score": 0.9}})
    raw.consistent(Asked(METHOD_PING, TERMINAL_ID), {})
    records = [{"out_trade_no": new_trade_no(), "tender": "cash", "total_amount": "4.56",
                "created_at": 1.0, "terminal_id": TERMINAL_ID},
               {"out_trade_no": new_trade_no(), "tender": "member", "member_id": "M002",
                "total_amount": "999.00", "created_at": 1.0}]      # declined: too little
    batch = raw.consistent(Asked(METHOD_BATCH_UPLOAD, TERMINAL_ID, records=tuple(
        (r["out_trade_no"], from_yuan_string(r["total_amount"])) for r in records)),
        {"records": records})
    assert [r["result"] for r in batch["results"]] == ["accepted", "declined"]
    raw.consistent(Asked(METHOD_BILL_DAILY, TERMINAL_ID, bill_date="2026-05-01"),
                   {"bill_date": "2026-05-01"})


def test_terminal_id_is_required_in_every_request(raw):
    for method in (METHOD_PAY, METHOD_QUERY, METHOD_CANCEL, METHOD_REFUND, METHOD_PING,
                   METHOD_MEMBER_BALANCE, METHOD_MEMBER_PAY, METHOD_BATCH_UPLOAD,
                   METHOD_BILL_DAILY):
        payload, _ = raw.call(method, {"out_trade_no": "X1", "member_id": "M001"})
        assert (payload["code"], payload["sub_code"]) == ("40002", "isv.missing-parameter")


def test_trades_are_per_terminal(raw):
    _p, no, _c = pay(raw, Behaviour.APPROVE)
    other = raw.consistent(Asked(METHOD_QUERY, "T9999", out_trade_no=no), {"out_trade_no": no})
    assert other["sub_code"] == "ACQ.TRADE_NOT_EXIST"


# -- 40006: terminal identity ---------------------------------------------------------------
def terminal_client(sim, keys_dir, terminal_id: str, journal_epoch: str = "") -> HostClient:
    return HostClient(HostSettings(base_url=sim.url, read_timeout_s=2.0), terminal_id=terminal_id,
                      private_key=load_private_key(keys_dir / TERMINAL_PRIVATE),
                      host_public_key=load_public_key(keys_dir / HOST_PUBLIC),
                      journal_epoch=journal_epoch)


def test_unknown_and_disabled_terminals_are_refused(sim, keys_dir):
    sim.app.update_config(terminals=(TerminalSeed(TERMINAL_ID),
                                     TerminalSeed("T0002", disabled=True)))
    with make_client(sim, keys_dir) as client:
        assert client.ping().host_time_epoch_s > 0
    for terminal_id, sub_code in (("T0002", "PAYTERM.TERMINAL_DISABLED"),
                                  ("T0003", "PAYTERM.TERMINAL_UNKNOWN")):
        with terminal_client(sim, keys_dir, terminal_id) as client:
            with pytest.raises(HostRejected) as info:
                client.ping()
        assert (info.value.code, info.value.sub_code) == ("40006", sub_code)
        said = info.value.user_message
        assert isinstance(said, Bilingual) and said.zh and said.en   # in both languages
        assert said.zh != said.en
    assert sim.ledger.trades() == []


def test_a_second_active_journal_of_one_terminal_id_is_refused(sim, keys_dir):
    with terminal_client(sim, keys_dir, TERMINAL_ID, "11111111") as first, \
            terminal_client(sim, keys_dir, TERMINAL_ID, "22222222") as second:
        assert first.ping()
        with pytest.raises(HostRejected) as info:
            second.pay(pay_request())
        assert info.value.sub_code == "PAYTERM.TERMINAL_ID_CONFLICT"
        assert "终端号冲突" in info.value.user_message
        assert sim.ledger.trades() == []
        sim.app.update_config(journal_switch_after_s=0.0)   # the old journal went quiet
        assert second.ping()
        sim.app.update_config(journal_switch_after_s=600.0)
        with pytest.raises(HostRejected):
            first.ping()                                    # now the old one is refused
