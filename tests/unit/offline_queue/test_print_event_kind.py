"""Print events carry a PrintEventKind whose values are the strings listeners saw before."""

import pytest

from offline_queue.print_worker import PrintEvent, PrintEventKind


def test_the_values_are_the_strings_used_before():
    assert {k.value for k in PrintEventKind} == {"printed", "cut_short", "waiting",
                                                 "device_error", "idle"}
    assert PrintEventKind("cut_short") is PrintEventKind.CUT_SHORT
    assert PrintEvent(PrintEventKind.WAITING).kind == "waiting"


@pytest.mark.parametrize("kind,problem", [(PrintEventKind.WAITING, True),
                                          (PrintEventKind.CUT_SHORT, True),
                                          (PrintEventKind.DEVICE_ERROR, True),
                                          (PrintEventKind.PRINTED, False),
                                          (PrintEventKind.IDLE, False)])
def test_the_staff_hear_about_problems_only(kind, problem):
    assert kind.is_problem is problem
