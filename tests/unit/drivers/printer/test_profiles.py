"""Profiles from python-escpos' capability database plus payterm's overrides."""

from __future__ import annotations

import pytest

from drivers.printer import commands as cmd
from drivers.printer.profiles import (PROFILES, database, excluded_models, get_profile,
                                      list_profiles, profile_names)
from terminal.errors import ConfigError
from terminal.settings.printer_section import PROFILE_NAMES, PrinterSettings


def test_settings_choices_match_the_driver_profiles():
    assert tuple(PROFILE_NAMES) == profile_names()
    assert PrinterSettings().profile in PROFILES


def test_every_database_model_is_either_a_profile_or_excluded_with_a_reason():
    listed = {p.name for p in list_profiles() if p.source == "python-escpos"}
    excluded = {m.name: m.reason for m in excluded_models()}
    assert listed | set(excluded) == set(database()["profiles"])
    assert not listed & set(excluded)
    assert all(excluded.values())
    assert "TSP600" in excluded and "Star" in excluded["TSP600"]
    assert "AF-240" in excluded and "QR" in excluded["AF-240"]


def test_database_facts_reach_the_profile():
    t88 = get_profile("TM-T88V")
    assert (t88.columns, t88.dots_per_line, t88.vendor) == (42, 512, "Epson")
    assert t88.native_qr and t88.code128 and "CP437" in t88.code_pages
    zj = get_profile("ZJ-5870")
    assert not zj.native_qr and zj.raster and not zj.code128 and zj.cut == "none"


def test_chinese_overrides_are_applied_and_explained():
    assert get_profile("TM-T20II").encoding == "gb18030"
    assert any("GB18030" in note for note in get_profile("TM-T20II").overrides)
    clone = get_profile("POS-5890")
    assert clone.encoding == "gbk" and clone.chinese_size_via_fs
    assert any("FS &" in note for note in clone.overrides)
    assert get_profile("NT-80-V-UL").columns == 48       # the database's 12 is wrong


def test_old_names_are_aliases_of_database_models():
    assert get_profile("epson-tm-t88") is get_profile("TM-T88V")
    assert "epson-tm-t88" in get_profile("TM-T88V").aliases
    assert PROFILES["rongta-80"].name == "RP326"


@pytest.mark.parametrize("profile", list_profiles(), ids=lambda p: p.name)
def test_profiles_are_consistent(profile):
    assert 24 <= profile.columns <= 64 and 300 <= profile.dots_per_line <= 640
    assert profile.columns * 12 <= profile.dots_per_line + 12
    assert profile.encoding in ("gbk", "gb18030")
    assert profile.cut in cmd.CUTS
    assert profile.flow_control in ("none", "xonxoff", "rtscts")
    assert profile.default_baud in (9600, 19200, 38400, 115200)
    assert profile.native_qr or profile.raster
    "￥".encode(profile.encoding)


def test_unknown_profile_names_the_setting():
    with pytest.raises(ConfigError) as info:
        get_profile("tm-t1000")
    assert info.value.key == "printer.profile" and "payterm printer profiles" in str(info.value)


def test_an_excluded_model_says_why():
    with pytest.raises(ConfigError) as info:
        get_profile("TSP600")
    assert info.value.key == "printer.profile" and "Star" in str(info.value)
