"""The shopper's confirmation names the member masked, as face-pay devices do."""

from __future__ import annotations

import pytest

from terminal.errors import UserFacingError
from terminal.member_display import check_member_name, mask_name, mask_phone, shopper_label


def test_names_keep_only_their_last_character():
    assert mask_name("王小明") == "**明"
    assert mask_name("明") == "*"
    assert mask_name("") == ""
    assert mask_name("Ann Lee") == "******e"


def test_phones_keep_the_first_three_and_last_four_digits():
    assert mask_phone("13800000100") == "138****0100"
    assert mask_phone("+86 138-0000-0100") == "138****0100"
    assert mask_phone("85291234567") == "852****4567"
    assert mask_phone("1234567") == "***4567"


def test_the_confirmation_label_falls_back_to_the_masked_member_number():
    assert shopper_label("王小明", "13800000100", "M0**01") == "**明 138****0100"
    assert shopper_label("", "13800000100", "M0**01") == "138****0100"
    assert shopper_label("", "", "M0**01") == "M0**01"


@pytest.mark.parametrize("bad", ["x" * 33, "a\nb", "tab\there"])
def test_bad_names_are_refused_naming_the_field(bad):
    with pytest.raises(UserFacingError, match="member name"):
        check_member_name(bad)


def test_names_are_trimmed_and_optional():
    assert check_member_name("  王小明 ") == "王小明"
    assert check_member_name("") == ""
