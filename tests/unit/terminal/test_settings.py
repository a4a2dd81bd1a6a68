import dataclasses

import pytest

from terminal.errors import ConfigError
from terminal.settings.loader import redacted
from terminal.settings.model import Settings, settings_from


def test_defaults_are_valid():
    assert settings_from({}) == Settings()


def test_file_values_and_environment_overrides():
    s = settings_from({"host": {"read_timeout_s": 4}, "resolver": {"wechat": {"poll_interval_s": 3}}},
                      {"PAYTERM__HOST__READ_TIMEOUT_S": "2.5", "PAYTERM__OFFLINE__FORCED_OFFLINE": "yes",
                       "UNRELATED": "x"})
    assert s.host.read_timeout_s == 2.5
    assert s.offline.forced_offline is True
    assert s.resolver.wechat.poll_interval_s == 3.0
    assert s.resolver.wechat.cancel_not_before_s == 15.0   # per-wallet default kept


@pytest.mark.parametrize("data, key", [
    ({"printer": {"baud": 1234}}, "printer.baud"),
    ({"printr": {}}, "printr"),
    ({"host": {"read_timeout_s": "slow"}}, "host.read_timeout_s"),
    ({"host": {"read_timeout_s": -1}}, "host.read_timeout_s"),
    ({"offline": {"forced_offline": "maybe"}}, "offline.forced_offline"),
    ({"terminal": {"terminal_id": "bad id"}}, "terminal"),
    ({"resolver": {"alipay": {"poll_budget_s": 1e9}}}, "resolver.alipay.poll_budget_s"),
])
def test_bad_values_name_the_key(data, key):
    with pytest.raises(ConfigError) as info:
        settings_from(data)
    assert info.value.key == key


def test_bad_environment_value_names_the_key():
    with pytest.raises(ConfigError) as info:
        settings_from({}, {"PAYTERM__PRINTER__BAUD": "fast"})
    assert info.value.key == "printer.baud"


def test_settings_are_immutable():
    s = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.host.base_url = "http://evil"  # type: ignore[misc]


def test_redacted_is_plain_data():
    data = redacted(Settings())
    assert data["terminal"]["terminal_id"] == "T0001"


@pytest.mark.parametrize("key, value", [("call_deadline_s", 0.1), ("call_deadline_s", 601),
                                        ("max_answer_bytes", 100),
                                        ("max_answer_bytes", 10**12)])
def test_host_call_deadline_and_answer_limit_are_bounded(key, value):
    with pytest.raises(ConfigError) as info:
        settings_from({"host": {key: value}})
    assert f"host.{key}" in str(info.value)


def test_host_call_deadline_and_answer_limit_defaults():
    host = settings_from({}).host
    assert host.call_deadline_s == 20.0 and host.max_answer_bytes == 8 * 1024 * 1024
