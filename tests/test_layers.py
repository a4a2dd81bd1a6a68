"""The dependency rules of README "How it is built", checked on the source (imports
parsed, not run). The import-linter contracts in pyproject.toml check the same layers
and the sub-layers of ui/ (tests/test_import_contracts.py); this file keeps the checks
that also cover tests/.

ui -> (terminal, drivers, offline_queue); drivers -> terminal; offline_queue -> terminal.
terminal/ imports no Qt, OpenCV, serial, ESC/POS, SQL, HTTP or ONNX library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("terminal", "drivers", "offline_queue", "ui")
TERMINAL_FORBIDDEN = {"PySide6", "cv2", "serial", "escpos", "sqlite3", "sqlite_utils", "httpx",
                      "insightface", "onnxruntime", "numpy", "socket", "requests", "urllib",
                      "http", "pyzbar", "zxingcpp", "subprocess"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def sources(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def test_every_layer_has_code():
    for layer in LAYERS:
        assert sources(layer), f"{layer}/ has no Python files"


@pytest.mark.parametrize("path", sources("terminal"), ids=lambda p: str(p.relative_to(ROOT)))
def test_terminal_is_pure(path):
    bad = imported_roots(path) & (TERMINAL_FORBIDDEN | {"drivers", "offline_queue", "ui"})
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


# Tests of the ui/ layer itself are the only importers of ui outside ui/.
UI_TEST_FOLDERS = ("tests/ui", "tests/e2e", "tests/unit/ui", "tests/packaging", "tests/bench")


@pytest.mark.parametrize("layer", ["terminal", "drivers", "offline_queue", "tests"])
def test_nothing_imports_ui(layer):
    offenders = [str(p.relative_to(ROOT)) for p in sources(layer)
                 if "ui" in imported_roots(p)
                 and not any(p.is_relative_to(ROOT / folder) for folder in UI_TEST_FOLDERS)]
    assert not offenders, f"these import ui: {offenders}"


def test_drivers_and_offline_queue_do_not_import_each_other():
    offenders = [str(p.relative_to(ROOT)) for p in sources("drivers")
                 if "offline_queue" in imported_roots(p)]
    offenders += [str(p.relative_to(ROOT)) for p in sources("offline_queue")
                  if "drivers" in imported_roots(p)]
    assert not offenders, f"cross imports: {offenders}"


def test_checker_sees_a_forbidden_import(tmp_path):
    # The check must be able to fail: a file that imports PySide6 is caught.
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6 import QtCore\nimport terminal.money\n")
    assert imported_roots(sample) & TERMINAL_FORBIDDEN == {"PySide6"}
