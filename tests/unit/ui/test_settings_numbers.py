"""Every numeric setting is finite and within declared bounds (issue 11, point 3).

NaN compares false with every bound, so without an explicit check ``nan`` passed as
``face.match_threshold`` and face-pay took a stranger for a live match.
"""

import dataclasses
import tomllib
import typing

import pytest

from terminal.errors import ConfigError
from terminal.settings.model import Settings, settings_from
from ui.services.settings_editor import SettingsEditor
from ui.settings_file import load_settings_file


def numeric_settings(cls=Settings, prefix=""):
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            yield from numeric_settings(hint, prefix + f.name + ".")
        elif hint in (int, float):
            yield prefix + f.name, hint, f.metadata


FLOAT_KEYS = [key for key, hint, _ in numeric_settings() if hint is float]
ALL_KEYS = [key for key, _, _ in numeric_settings()]


def nested(key: str, value) -> dict:
    data: dict = {}
    table = data
    *sections, name = key.split(".")
    for section in sections:
        table = table.setdefault(section, {})
    table[name] = value
    return data


def test_every_numeric_setting_declares_its_range():
    unbounded = [key for key, _, meta in numeric_settings()
                 if meta.get("choices") is None
                 and (meta.get("min") is None or meta.get("max") is None)]
    assert unbounded == []
    assert len(FLOAT_KEYS) > 40


@pytest.mark.parametrize("text", ["nan", "inf", "-inf"])
def test_non_finite_numbers_in_the_file_are_refused_naming_the_key(text):
    value = tomllib.loads(f"v = {text}")["v"]
    for key in FLOAT_KEYS:
        with pytest.raises(ConfigError) as info:
            settings_from(nested(key, value))
        assert info.value.key == key
        assert "finite" in str(info.value) or "whole number" in str(info.value)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "1e999"])
def test_non_finite_numbers_from_the_environment_are_refused(text):
    for key in ALL_KEYS:
        env = {"PAYTERM__" + key.upper().replace(".", "__"): text}
        with pytest.raises(ConfigError) as info:
            settings_from({}, env)
        assert info.value.key == key


@pytest.mark.parametrize("value", [10 ** 40, -(10 ** 40), 1e300, -1e300])
def test_out_of_range_numbers_are_refused_for_every_setting(value):
    for key in ALL_KEYS:
        with pytest.raises(ConfigError) as info:
            settings_from(nested(key, value))
        assert info.value.key == key


def test_the_technician_editor_refuses_nan(tmp_path):
    editor = SettingsEditor(tmp_path / "payterm.toml", Settings(), {})
    for text in ("nan", "inf", "-inf"):
        with pytest.raises(ConfigError) as info:
            editor.save({"face.match_threshold": text})
        assert info.value.key == "face.match_threshold"
    assert not (tmp_path / "payterm.toml").exists()


def test_a_settings_file_that_is_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "payterm.toml"
    path.write_bytes(b'[terminal]\nstore_name = "\xc9\xcc\xb5\xea"\n')   # GBK text
    with pytest.raises(ConfigError) as info:
        load_settings_file(path)
    assert "UTF-8" in str(info.value) and str(path) in str(info.value)
