"""The face gallery's answers must be about their request (pure)."""

from __future__ import annotations

import pytest

from drivers.host.answer_checks import Asked, answer_problems
from drivers.host.wire import METHOD_FACE_ENROL, METHOD_FACE_SYNC

ENROL = Asked(METHOD_FACE_ENROL, "T0001", member_id="M1", templates_sent=3)
SYNC = Asked(METHOD_FACE_SYNC, "T0001", since_version=4)
GOOD_ENROL = {"code": "10000", "terminal_id": "T0001", "member_id": "M1",
              "gallery_version": 5, "templates_stored": 3}
GOOD_SYNC = {"code": "10000", "terminal_id": "T0001", "since_version": 4,
             "gallery_version": 6, "more": "N", "reset": "N",
             "changes": [{"member_id": "M1", "action": "add", "templates": ["AAAA"]},
                         {"member_id": "M2", "action": "remove"}]}


def test_answers_about_the_request_pass():
    assert answer_problems(ENROL, GOOD_ENROL) == []
    assert answer_problems(SYNC, GOOD_SYNC) == []
    assert answer_problems(SYNC, {**GOOD_SYNC, "reset": "Y", "gallery_version": 1}) == []
    refusal = {"code": "40004", "terminal_id": "T0001", "member_id": "M1",
               "sub_code": "PAYTERM.MEMBER_NOT_FOUND"}
    assert answer_problems(ENROL, refusal) == []


@pytest.mark.parametrize("change", [
    {"member_id": "M2"}, {"terminal_id": "T0002"}, {"templates_stored": 2},
    {"gallery_version": 0}, {"gallery_version": True}, {"out_trade_no": "X1"},
    {"changes": []},
])
def test_enrol_answers_about_something_else_are_refused(change):
    assert answer_problems(ENROL, {**GOOD_ENROL, **change})


@pytest.mark.parametrize("change", [
    {"since_version": 3}, {"since_version": None}, {"gallery_version": 3},
    {"more": "maybe"}, {"changes": None}, {"member_id": "M1"}, {"server_time": 1.0},
    {"changes": [{"member_id": "M1", "action": "add", "templates": []}]},
    {"changes": [{"member_id": "M1", "action": "drop"}]},
    {"changes": [{"member_id": "M1", "action": "remove"},
                 {"member_id": "M1", "action": "remove"}]},
])
def test_sync_answers_about_something_else_are_refused(change):
    payload = {key: value for key, value in {**GOOD_SYNC, **change}.items()
               if value is not None}
    assert answer_problems(SYNC, payload)
