from __future__ import annotations

from hypothesis import given, settings, strategies as st

from drivers.printer.text_layout import display_width, two_columns, wrap


def test_width_counts_non_ascii_as_two():
    assert display_width("abc") == 3
    assert display_width("中文") == 4
    assert display_width("￥1.00") == 6
    assert display_width("×·") == 4               # GBK double-byte: two columns


def test_wrap_never_splits_a_wide_character():
    assert wrap("一二三四五", 5) == ["一二", "三四", "五"]
    assert wrap("hello world again", 11) == ["hello world", "again"]


def test_two_columns_right_aligns_and_falls_back_to_a_new_line():
    assert two_columns("合计", "￥1.00", 16) == ["合计" + " " * 6 + "￥1.00"]
    lines = two_columns("很长的商品名称很长的商品名称", "￥9.99", 16)
    assert all(display_width(ln) <= 16 for ln in lines)
    assert lines[-1].endswith("￥9.99")


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 中文字x￥1")), max_size=80),
       st.integers(min_value=4, max_value=48))
def test_wrap_fits_and_keeps_all_non_space_characters(text, columns):
    lines = wrap(text, columns)
    assert all(display_width(ln) <= columns for ln in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
