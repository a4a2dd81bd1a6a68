"""The import contracts in pyproject.toml ([tool.importlinter]) hold, checked by the real
``lint-imports`` (import-linter), so ``./dev.sh test`` and CI enforce the layers of
README "How it is built": ui above drivers | offline_queue above terminal, the pure
domain, the sub-layers of ui/, and screens that never import the shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("terminal", "drivers", "offline_queue", "ui", "backoffice")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(source_root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(source_root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"),
                           "--no-cache"], cwd=source_root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def copy_sources(target: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__"))


def test_a_broken_layer_is_caught(tmp_path):
    """The gate can fail: a copy of the sources where the domain imports the kiosk
    services and a screen imports the shell breaks exactly those contracts (and, through
    the domain, the back office's)."""
    copy_sources(tmp_path)
    money = tmp_path / "terminal" / "money.py"
    money.write_text(money.read_text(encoding="utf-8")
                     + "\nimport ui.services.views  # noqa: E402\n", encoding="utf-8")
    cash = tmp_path / "ui" / "kiosk" / "screens" / "cash_screen.py"
    cash.write_text(cash.read_text(encoding="utf-8")
                    + "\nimport ui.kiosk.shell  # noqa: E402\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    # The domain importing ui also breaks the back office's contract (indirectly).
    assert "3 broken" in result.stdout
    assert "terminal.money -> ui.services.views" in result.stdout
    assert "ui.kiosk.screens.cash_screen -> ui.kiosk.shell" in result.stdout
