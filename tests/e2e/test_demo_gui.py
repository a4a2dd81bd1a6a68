"""``payterm demo --autopilot`` as a process (offscreen GUI): the real window takes one
payment-code payment through the camera, the host simulator and the printer emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def test_demo_autopilot_takes_a_payment(data_dir: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAYTERM__KIOSK__VOICE_ENABLED": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli.main", "--data-dir", str(data_dir),
                             "demo", "--autopilot"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    log_file = data_dir / "logs" / "payterm.log"
    deadline = time.monotonic() + 100
    approved = []
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            approved = [r for r in read_log(log_file)
                        if r.get("logger") == "ui.demo.autopilot" and "approved" in r.get("msg", "")]
            if approved:
                break
            time.sleep(0.2)   # polling a file another process writes
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert approved, output[-2000:]
    assert "12.34" in approved[0]["msg"] or "1234 fen" in approved[0]["msg"]
    assert proc.returncode == 0, output[-2000:]
    records = read_log(log_file)
    assert any(r.get("msg") == "autopilot finished (exit 0)" for r in records)
    assert not any(r.get("level") == "ERROR" for r in records), [
        r for r in records if r.get("level") == "ERROR"][:3]
