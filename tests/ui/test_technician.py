"""Technician entry: PIN with lockout, settings editor with validation, logs, self-test."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ui.technician_pin import PinRefused, TechnicianPin

pytestmark = pytest.mark.gui


def enter_pin(shell, digits: str) -> None:
    pin = shell.screen("pin")
    pin.keypad.press(digits)
    pin.ok_button.click()


def test_pin_lockout_after_repeated_failures(make_shell):
    shell, _ = make_shell()
    shell.pin.set_pin("135790")
    shell.technician_button.click()
    for _ in range(2):
        enter_pin(shell, "000000")
    assert "1" in shell.screen("pin").feedback.text()
    enter_pin(shell, "000000")
    assert "分钟" in shell.screen("pin").feedback.text()
    enter_pin(shell, "135790")               # right PIN, but locked out
    assert shell.current().name == "pin"


def test_pin_not_set_says_how_to_set_it(make_shell):
    shell, _ = make_shell()
    shell.technician_button.click()
    enter_pin(shell, "123456")
    assert "set-pin" in shell.screen("pin").feedback.text()


def test_pin_file_is_hashed_and_private(tmp_path):
    store = TechnicianPin(tmp_path / "keys" / "pin", max_failures=2, lockout_s=30,
                          clock=lambda: 1000.0)
    store.set_pin("987654")
    raw = (tmp_path / "keys" / "pin").read_text()
    assert "987654" not in raw and json.loads(raw)["n"] >= 2 ** 14
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / "pin").st_mode) == 0o600
    assert store.verify("987654").ok
    with pytest.raises(PinRefused):
        store.set_pin("12ab")


def test_lockout_survives_a_restart_and_expires(tmp_path):
    now = [1000.0]
    path = tmp_path / "pin"
    TechnicianPin(path, clock=lambda: now[0]).set_pin("112233")
    first = TechnicianPin(path, max_failures=2, lockout_s=60, clock=lambda: now[0])
    first.verify("000000")
    assert first.verify("000000").locked_for_s == 60
    again = TechnicianPin(path, max_failures=2, lockout_s=60, clock=lambda: now[0])
    assert not again.verify("112233").ok
    now[0] += 61
    assert again.verify("112233").ok


def open_technician(shell):
    shell.pin.set_pin("135790")
    shell.technician_button.click()
    enter_pin(shell, "135790")
    assert shell.current().name == "technician"
    return shell.screen("technician")


def test_settings_editor_refuses_bad_value_naming_the_key(make_shell, data_dir):
    shell, _ = make_shell()
    tech = open_technician(shell)
    tech.edit_setting("printer.baud", "12345")
    tech.save_button.click()
    assert "printer.baud" in tech.settings_message.text()
    assert not (data_dir / "payterm.toml").exists()


def test_settings_editor_saves_a_good_value(make_shell, data_dir):
    shell, _ = make_shell()
    tech = open_technician(shell)
    tech.edit_setting("kiosk.idle_timeout_s", "90")
    tech.save_button.click()
    assert "1" in tech.settings_message.text()
    text = (data_dir / "payterm.toml").read_text()
    assert "[kiosk]" in text and "idle_timeout_s = 90.0" in text


def test_technician_picks_the_printer_model_from_the_list(make_shell, data_dir):
    from PySide6.QtWidgets import QComboBox
    from drivers.printer.profiles import profile_names
    shell, _ = make_shell()
    tech = open_technician(shell)
    picker = tech.findChild(QComboBox, "tech_choice_printer.profile")
    models = [picker.itemText(i) for i in range(picker.count())]
    assert tuple(models) == profile_names() and "TM-T88V" in models
    picker.setCurrentText("TM-T88V")
    tech.save_button.click()
    assert 'profile = "TM-T88V"' in (data_dir / "payterm.toml").read_text()


def test_an_unknown_printer_model_is_refused_naming_the_setting(make_shell, data_dir):
    shell, _ = make_shell()
    tech = open_technician(shell)
    tech.edit_setting("printer.profile", "TM-T1000")
    tech.save_button.click()
    assert "printer.profile" in tech.settings_message.text()
    assert not (data_dir / "payterm.toml").exists()


def test_logs_viewer_shows_the_json_log(make_shell, data_dir):
    log_file = data_dir / "logs" / "payterm.jsonl"
    log_file.parent.mkdir(parents=True)
    log_file.write_text(json.dumps({"ts": "2026-01-01T10:00:00", "level": "WARNING",
                                    "logger": "ui.kiosk.watchdog", "msg": "GUI stalled"}) + "\n")
    shell, _ = make_shell()
    tech = open_technician(shell)
    assert "WARNING ui.kiosk.watchdog GUI stalled" in tech.log_view.toPlainText()


def test_self_test_runs_and_lists_checks(make_shell, qtbot):
    shell, _ = make_shell()
    tech = open_technician(shell)
    with qtbot.waitSignal(shell.bridge.selftest_finished, timeout=5000):
        tech.selftest_button.click()
    assert tech.selftest_table.rowCount() == 1
    assert "pass" in tech.selftest_summary.text()


def test_settings_read_as_words_and_amounts_in_yuan(make_shell, qtbot):
    """No raw keys or fen on the technician screen; a yuan amount is saved as fen."""
    shell, services = make_shell(mode="kiosk")
    shell.go("technician")
    tech = shell.screen("technician")
    rows = [row.key for row in tech._setting_rows]
    r = rows.index("terminal.max_amount_fen")
    assert tech.settings_table.item(r, 0).text() == "终端 · 单笔最大金额 (元)"
    assert tech.settings_table.item(r, 0).toolTip() == "terminal.max_amount_fen"
    assert tech.settings_table.item(r, 1).text() == "50000.00"
    tech.settings_table.item(r, 1).setText("800.50")
    assert tech.changes() == {"terminal.max_amount_fen": "80050"}
    tech.save_button.click()
    assert "terminal.max_amount_fen" not in tech.settings_message.text()
    assert "max_amount_fen = 80050" in services.settings_editor.config_file.read_text()
    shell.tr.toggle()
    assert tech.settings_table.item(r, 0).text() == "Terminal · max amount (yuan)"


def test_canteen_item_prices_read_in_yuan_and_are_saved_in_fen(make_shell):
    shell, services = make_shell(mode="kiosk", kiosk={"fixed_price_items": ["豆浆:300",
                                                                            "套餐A:1250"]})
    shell.go("technician")
    tech = shell.screen("technician")
    r = [row.key for row in tech._setting_rows].index("kiosk.fixed_price_items")
    assert tech.settings_table.item(r, 0).text() == "界面 · 固定价格商品 (名称:元)"
    assert tech.settings_table.item(r, 1).text() == "豆浆:3.00, 套餐A:12.50"
    assert tech.changes() == {}                     # read in yuan, unchanged in fen
    tech.settings_table.item(r, 1).setText("豆浆:3.50, 套餐A:12.50, 油条:2")
    assert tech.changes() == {"kiosk.fixed_price_items": "豆浆:350, 套餐A:1250, 油条:200"}
    tech.save_button.click()
    assert 'fixed_price_items = ["豆浆:350", "套餐A:1250", "油条:200"]' in \
        services.settings_editor.config_file.read_text()
