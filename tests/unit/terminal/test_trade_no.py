import re

import pytest
from hypothesis import given, strategies as st

from terminal.trade_no import (EPOCH_DIGITS, MAX_LENGTH, is_valid_trade_no, make_trade_no,
                               new_epoch)

terminal_ids = st.from_regex(r"[A-Za-z0-9]{1,16}", fullmatch=True)
epochs = st.from_regex(r"[0-9]{8}", fullmatch=True)
sequences = st.integers(1, 10**8 - 1)


def test_format_is_terminal_epoch_sequence():
    assert make_trade_no("T0001", "48219370", 42) == "T00014821937000000042"


@given(terminal_ids, epochs, sequences)
def test_always_short_and_within_the_host_contract(terminal_id, epoch, seq):
    trade_no = make_trade_no(terminal_id, epoch, seq)
    assert len(trade_no) <= MAX_LENGTH and is_valid_trade_no(trade_no)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", trade_no)


@given(terminal_ids, epochs, sequences, terminal_ids, epochs, sequences)
def test_different_terminal_epoch_or_sequence_never_give_the_same_number(t1, e1, s1,
                                                                         t2, e2, s2):
    if (t1, e1, s1) != (t2, e2, s2):
        assert make_trade_no(t1, e1, s1) != make_trade_no(t2, e2, s2)


def test_epochs_are_random_digits():
    epochs_made = {new_epoch() for _ in range(200)}
    assert all(len(e) == EPOCH_DIGITS and e.isdigit() for e in epochs_made)
    assert len(epochs_made) > 190


@pytest.mark.parametrize("terminal_id", ["", "T 1", "T-1", "x" * 17, "终端", "T1\n"])
def test_bad_terminal_ids_are_refused(terminal_id):
    with pytest.raises(ValueError):
        make_trade_no(terminal_id, "00000001", 1)


@pytest.mark.parametrize("epoch", ["", "1234567", "123456789", "1234567a", "１２３４５６７８",
                                   "12345678\n"])
def test_bad_epochs_are_refused(epoch):
    with pytest.raises(ValueError):
        make_trade_no("T1", epoch, 1)
