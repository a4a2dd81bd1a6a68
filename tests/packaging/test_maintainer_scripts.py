"""The Debian maintainer scripts and unit files, run and parsed for real."""

from __future__ import annotations

import configparser
import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from offline_queue.journal import SqliteJournal
from terminal.attempt import Tender

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> Path:
    """The maintainer scripts as build.sh puts them in the package (data guard inlined)."""
    out = tmp_path_factory.mktemp("debian-scripts")
    subprocess.run(["sh", str(PACKAGING / "debian" / "render-scripts.sh"), str(out)],
                   check=True, timeout=30)
    return out


def _store_with(data_dir: Path, unresolved: int) -> None:
    journal = SqliteJournal.open(data_dir / "payterm.db")
    for _ in range(unresolved):
        journal.open_attempt(terminal_id="T0001", tender=Tender.WALLET, wallet="alipay",
                             code_masked="2800********1234", amount_fen=500, subject="t",
                             now=time.time())
    journal.close()
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700)
    (keys / "terminal_private.pem").write_text("key")


def _run(script: Path, data_dir: Path, backups: Path, *args: str):
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True,
                          timeout=60, env={"PATH": os.environ["PATH"],
                                           "PAYTERM_DATA_DIR": str(data_dir),
                                           "PAYTERM_BACKUP_DIR": str(backups)})


def test_upgrade_with_unresolved_payments_backs_up_database_and_keys(scripts, data_dir, tmp_path):
    _store_with(data_dir, unresolved=2)
    backups = tmp_path / "backups"
    out = _run(scripts / "preinst", data_dir, backups, "upgrade", "0.0.9")
    assert out.returncode == 0, out.stderr
    (backup,) = backups.iterdir()
    assert backup.name.endswith("-from-0.0.9")
    copy = sqlite3.connect(backup / "payterm.db")
    assert copy.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 2
    assert (backup / "keys" / "terminal_private.pem").read_text() == "key"
    assert "2 unresolved payments" in out.stderr


def test_upgrade_is_refused_when_the_backup_cannot_be_made(scripts, data_dir, tmp_path):
    _store_with(data_dir, unresolved=1)
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be")
    out = _run(scripts / "preinst", data_dir, blocked / "sub", "upgrade", "0.0.9")
    assert out.returncode == 1
    assert "REFUSING TO UPGRADE" in out.stderr


def test_upgrade_with_nothing_waiting_needs_no_backup(scripts, data_dir, tmp_path):
    _store_with(data_dir, unresolved=0)
    backups = tmp_path / "backups"
    assert _run(scripts / "preinst", data_dir, backups, "upgrade", "0.0.9").returncode == 0
    assert not backups.exists()


def test_fresh_install_passes(scripts, tmp_path):
    assert _run(scripts / "preinst", tmp_path / "none", tmp_path / "b", "install").returncode == 0


@pytest.mark.parametrize("script", ["preinst", "postinst", "prerm", "postrm"])
def test_maintainer_scripts_are_valid_sh(scripts, script):
    assert subprocess.run(["sh", "-n", str(scripts / script)]).returncode == 0


def test_kiosk_unit_restarts_on_failure_with_a_rate_limit():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(PACKAGING / "systemd" / "payterm-kiosk.service")
    assert unit["Service"]["Restart"] == "on-failure"
    assert unit["Service"]["User"] == "payterm"
    assert int(unit["Unit"]["StartLimitBurst"]) >= 1
    assert int(unit["Unit"]["StartLimitIntervalSec"]) > 0
    assert unit["Install"]["WantedBy"] == "graphical.target"


def test_udev_rules_give_every_device_a_stable_name_for_the_service_user():
    rules = [line for line in (PACKAGING / "udev" / "60-payterm.rules").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    names = set()
    for rule in rules:
        assert re.search(r'GROUP="payterm"', rule), rule
        assert re.search(r'ATTRS\{idVendor\}=="[0-9a-f]{4}"', rule), rule
        names.update(re.findall(r'SYMLINK\+="([^"]+)"', rule))
    assert names == {"payterm-printer", "payterm-scanner", "payterm-camera"}


def test_logrotate_does_not_fight_the_apps_own_rotation():
    config = (PACKAGING / "logrotate" / "payterm").read_text()
    stanzas = [ln for ln in config.splitlines() if ln.strip().endswith("{")]
    assert stanzas and not any("payterm.log" in s for s in stanzas)
