"""Key files, simulator behaviours, configuration and the fault board."""

from __future__ import annotations

import stat

import pytest

from drivers.host.keys import (KeyExists, generate_key_pair, load_private_key,
                               load_public_key)
from drivers.host.simulator.behaviours import BY_CODE, Behaviour, behaviour_for_code, code_for
from drivers.host.simulator.config import config_from_dict, load_config
from drivers.host.simulator.faults import Fault, FaultBoard, fault_from_dict
from terminal.errors import ConfigError
from terminal.payment_code import Wallet, classify_code


def test_generate_writes_private_key_0600_and_refuses_overwrite(tmp_path):
    private, public = tmp_path / "k" / "p.pem", tmp_path / "k" / "pub.pem"
    generate_key_pair(private, public)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = load_private_key(private)
    assert load_public_key(public).public_numbers() == key.public_key().public_numbers()
    with pytest.raises(KeyExists):
        generate_key_pair(private, public)
    generate_key_pair(private, public, force=True)
    assert load_private_key(private).private_numbers() != key.private_numbers()


def test_missing_or_bad_key_is_a_config_error_naming_the_setting(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_private_key(tmp_path / "none.pem", key_name="host.private_key_file")
    assert caught.value.key == "host.private_key_file"
    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(ConfigError):
        load_public_key(tmp_path / "bad.pem")


@pytest.mark.parametrize("behaviour", list(Behaviour))
def test_code_for_round_trips_and_is_an_alipay_code(behaviour):
    code = code_for(behaviour, 7)
    assert behaviour_for_code(code) is behaviour
    assert classify_code(code).wallet is Wallet.ALIPAY


@pytest.mark.parametrize("prefix, wallet", [("28", Wallet.ALIPAY), ("13", Wallet.WECHAT),
                                            ("62", Wallet.UNIONPAY)])
def test_code_for_every_wallet(prefix, wallet):
    code = code_for(Behaviour.DECLINE_BALANCE, 42, prefix=prefix)
    assert classify_code(code).wallet is wallet
    assert behaviour_for_code(code) is Behaviour.DECLINE_BALANCE


def test_default_behaviour_overrides_the_suffix():
    assert behaviour_for_code("281234567890123481", "approve") is Behaviour.APPROVE
    assert behaviour_for_code("281234567890123481", BY_CODE) is Behaviour.DECLINE_BALANCE


def test_config_file_json_and_toml(tmp_path):
    (tmp_path / "sim.json").write_text('{"password_delay_s": 1, "members": '
                                       '[{"member_id": "M1", "balance_fen": 100}]}')
    config = load_config(tmp_path / "sim.json")
    assert config.password_delay_s == 1 and config.members[0].balance_fen == 100
    (tmp_path / "sim.toml").write_text('slow_delay_s = 2.5\ndefault_behaviour = "approve"\n')
    assert load_config(tmp_path / "sim.toml").slow_delay_s == 2.5


@pytest.mark.parametrize("data, key", [
    ({"nonsense": 1}, "simulator.nonsense"),
    ({"password_delay_s": -1}, "simulator.password_delay_s"),
    ({"default_behaviour": "explode"}, "simulator.default_behaviour"),
    ({"members": [{"member_id": "M"}]}, "simulator.members"),
])
def test_bad_config_names_the_key(data, key):
    with pytest.raises(ConfigError) as caught:
        config_from_dict(data)
    assert caught.value.key == key


def test_fault_board_counts_down_and_filters_methods():
    board = FaultBoard()
    board.set(Fault("http_500", count=2, methods=("alipay.trade.pay",)))
    assert board.take("alipay.trade.query") is None
    assert board.take("alipay.trade.pay").mode == "http_500"
    assert board.take("alipay.trade.pay") is not None
    assert board.take("alipay.trade.pay") is None


def test_fault_parsing():
    assert fault_from_dict({"mode": "none"}) is None
    assert fault_from_dict({"mode": "slow", "delay_s": 1}).delay_s == 1.0
    with pytest.raises(ValueError):
        fault_from_dict({"mode": "meltdown"})
