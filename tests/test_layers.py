"""The dependency rules of README "How it is built", checked on the source (imports
parsed, not run). The import-linter contracts in pyproject.toml check the same layers
and the sub-layers of ui/ (tests/test_import_contracts.py); this file keeps the checks
that also cover tests/.

ui -> (terminal, drivers, offline_queue); drivers -> terminal; offline_queue -> terminal.
terminal/ imports no Qt, OpenCV, serial, ESC/POS, SQL, HTTP or ONNX library.
backoffice -> terminal + drivers.host.signing + drivers.host.wire only; nothing imports
backoffice but its own tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("terminal", "drivers", "offline_queue", "ui", "backoffice")
TERMINAL_FORBIDDEN = {"PySide6", "cv2", "serial", "escpos", "sqlite3", "sqlite_utils", "httpx",
                      "insightface", "onnxruntime", "numpy", "socket", "requests", "urllib",
                      "http", "pyzbar", "zxingcpp", "subprocess"}


def imported_modules(path: Path) -> set[str]:
    """Every module named by an absolute import (``a.b.c`` for ``from a.b import c``
    and ``import a.b.c``; ``from a.b import c`` also yields ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


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


# -- the back office ------------------------------------------------------------------
BACKOFFICE_SHARED_DRIVERS = {"drivers.host.signing", "drivers.host.wire"}
BACKOFFICE_TEST_FOLDERS = ("tests/backoffice", "tests/unit/backoffice", "tests/bench",
                           "tests/e2e")


@pytest.mark.parametrize("path", sources("backoffice"), ids=lambda p: str(p.relative_to(ROOT)))
def test_backoffice_shares_only_the_domain_and_the_signing_code(path):
    modules = imported_modules(path)
    roots = {name.split(".")[0] for name in modules}
    assert not roots & {"ui", "offline_queue"}, f"{path.relative_to(ROOT)} imports {roots}"
    drivers = {name for name in modules if name == "drivers" or name.startswith("drivers.")}
    # "from drivers.host.wire import X" names drivers.host.wire and drivers.host.wire.X.
    outside = {name for name in drivers
               if not any(name == allowed or name.startswith(allowed + ".")
                          for allowed in BACKOFFICE_SHARED_DRIVERS)
               and name not in ("drivers", "drivers.host")}
    assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"
    bare = [name for name in drivers if name in ("drivers", "drivers.host")
            and not any(m.startswith(name + ".") for m in drivers)]
    assert not bare, f"{path.relative_to(ROOT)} imports the drivers package itself"


@pytest.mark.parametrize("layer", ["terminal", "drivers", "offline_queue", "ui", "tests"])
def test_nothing_imports_backoffice(layer):
    offenders = [str(p.relative_to(ROOT)) for p in sources(layer)
                 if "backoffice" in imported_roots(p)
                 and not any(p.is_relative_to(ROOT / folder)
                             for folder in BACKOFFICE_TEST_FOLDERS)]
    assert not offenders, f"these import backoffice: {offenders}"


def test_backoffice_checker_sees_a_forbidden_driver(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from drivers.host.client import HostClient\n"
                      "from drivers.host.wire import METHOD_PAY\n")
    modules = imported_modules(sample)
    assert "drivers.host.client" in modules and "drivers.host.wire" in modules
