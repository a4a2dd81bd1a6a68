import os

from ui.diagnostics.checks.settings import check_settings
from ui.diagnostics.result import Status


def _provision(data_dir, mode=0o600):
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700)
    for name in ("terminal_private.pem", "technician_pin"):
        (keys / name).write_text("x")
        os.chmod(keys / name, mode)
    (keys / "host_public.pem").write_text("x")


def test_defaults_without_keys_warn_about_missing_keys_and_the_demo_id(make_env):
    result = check_settings(make_env())
    assert result.status is Status.WARN
    assert "host.private_key_file" in result.message and "T0001" in result.message


def test_provisioned_terminal_passes(make_env, data_dir):
    _provision(data_dir)
    result = check_settings(make_env({"terminal": {"terminal_id": "SHOP7"}}))
    assert result.status is Status.PASS, result.message


def test_a_private_key_others_can_read_fails(make_env, data_dir):
    _provision(data_dir, mode=0o644)
    result = check_settings(make_env({"terminal": {"terminal_id": "SHOP7"}}))
    assert result.status is Status.FAIL and "chmod 600" in result.action


def test_a_settings_file_broken_since_start_up_fails_naming_the_key(make_env, tmp_path):
    config = tmp_path / "payterm.toml"
    config.write_text("[printer]\nbaud = 1234\n")
    result = check_settings(make_env(config_file=config))
    assert result.status is Status.FAIL and "printer.baud" in result.message


def test_unparseable_toml_fails(make_env, tmp_path):
    config = tmp_path / "payterm.toml"
    config.write_text("[printer\n")
    assert check_settings(make_env(config_file=config)).status is Status.FAIL


def test_env_override_names_are_listed_without_values(make_env):
    result = check_settings(make_env(env={"PAYTERM__HOST__APP_ID": "secret-ish", "HOME": "/"}))
    assert result.details["env_overrides"] == ["PAYTERM__HOST__APP_ID"]
    assert "secret-ish" not in str(result.to_dict())
