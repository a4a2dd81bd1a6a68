import pytest
from hypothesis import given, strategies as st

from terminal.money import (AmountError, YUAN_SIGN, format_amount, from_yuan_string,
                            parse_amount, to_yuan_string)

MAX = 5_000_000


@pytest.mark.parametrize("text, fen", [("12.34", 1234), ("12.3", 1230), ("12", 1200),
                                       ("0.01", 1), (" 7.5 ", 750), ("￥3.20", 320)])
def test_parses_yuan_into_fen(text, fen):
    assert parse_amount(text, max_fen=MAX) == fen


@pytest.mark.parametrize("text", ["-1", "0", "0.00", "1.234", "abc", "", "1,00", "1e3",
                                  "12.", ".5", "NaN", "１２"])
def test_rejects_bad_amounts(text):
    with pytest.raises(AmountError) as info:
        parse_amount(text, max_fen=MAX)
    assert "/" in info.value.user_message  # bilingual sentence for the cashier


def test_rejects_amount_over_the_maximum():
    with pytest.raises(AmountError, match="above the maximum"):
        parse_amount("50000.01", max_fen=MAX)
    assert parse_amount("50000.00", max_fen=MAX) == MAX


def test_formats_with_fullwidth_yuan_sign():
    assert format_amount(1234) == "￥12.34"
    assert format_amount(5) == "￥0.05"
    assert YUAN_SIGN == "\uffe5" and "\u00a5" not in format_amount(100)


@given(st.integers(min_value=1, max_value=MAX))
def test_round_trip_through_the_host_form(fen):
    assert from_yuan_string(to_yuan_string(fen)) == fen
    assert parse_amount(to_yuan_string(fen), max_fen=MAX) == fen


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_any_two_decimal_text_parses_exactly(yuan, fen):
    text = f"{yuan}.{fen:02d}"
    total = yuan * 100 + fen
    if 0 < total <= 10**11:
        assert parse_amount(text, max_fen=10**11) == total
