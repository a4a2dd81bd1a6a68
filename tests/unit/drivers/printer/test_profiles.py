from __future__ import annotations

import pytest

from drivers.printer import commands as cmd
from drivers.printer.profiles import PROFILES, get_profile
from terminal.errors import ConfigError
from terminal.settings.printer_section import PROFILE_NAMES, PrinterSettings


def test_settings_choices_match_the_driver_profiles():
    assert set(PROFILE_NAMES) == set(PROFILES)
    assert PrinterSettings().profile in PROFILES


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
def test_profiles_are_consistent(profile):
    assert (profile.columns, profile.dots_per_line) in ((32, 384), (48, 576))
    assert profile.encoding in ("gbk", "gb18030")
    assert profile.cut in cmd.CUTS
    assert profile.flow_control in ("none", "xonxoff", "rtscts")
    assert profile.default_baud in (9600, 19200, 38400, 115200)
    "￥".encode(profile.encoding)


def test_unknown_profile_names_the_setting():
    with pytest.raises(ConfigError) as info:
        get_profile("tm-t1000")
    assert info.value.key == "printer.profile"
