"""``payterm demo --headless`` (the main job without a display) as a process: every
outcome is taken over real HTTP and the journal agrees with the host's ledger."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


@pytest.mark.timeout(180)
def test_headless_demo_shows_every_outcome_and_agrees_with_the_host(data_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    run = subprocess.run([sys.executable, "-m", "ui.cli.main", "demo"], env=env,
                         capture_output=True, text=True, timeout=170)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "No display found" in run.stderr          # it says why it runs headless
    for state in ("approved", "declined", "closed", "cancelled", "refused",
                  "partially_refunded"):
        assert f" {state} " in run.stdout, state
    assert "✓" in run.stdout and "agree on all" in run.stdout
    # Payment codes never appear in full on screen (trade numbers, glued to the
    # terminal id, may).
    assert not re.search(r"(?<![0-9A-Za-z])[0-9]{16,24}(?![0-9A-Za-z])", run.stdout)
