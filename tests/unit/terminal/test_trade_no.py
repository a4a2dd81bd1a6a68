from datetime import date

import pytest
from hypothesis import given, strategies as st

from terminal.trade_no import MAX_LENGTH, is_valid_trade_no, make_trade_no


def test_format_is_terminal_date_sequence():
    assert make_trade_no("T0001", date(2026, 11, 23), 42) == "T000126112300000042"


@given(st.from_regex(r"[A-Za-z0-9]{1,16}", fullmatch=True), st.integers(1, 10**8 - 1))
def test_always_short_and_plain(terminal_id, seq):
    trade_no = make_trade_no(terminal_id, date(2026, 1, 2), seq)
    assert len(trade_no) <= MAX_LENGTH and is_valid_trade_no(trade_no)


@pytest.mark.parametrize("terminal_id", ["", "T 1", "T-1", "x" * 17, "终端"])
def test_bad_terminal_ids_are_refused(terminal_id):
    with pytest.raises(ValueError):
        make_trade_no(terminal_id, date(2026, 1, 2), 1)
