"""Every third-party module the code imports is declared (pyproject.toml) and pinned
(requirements*.txt), so a fresh install has it: python-barcode was once imported by the
printer emulator without being declared, and only arrived as python-escpos' dependency.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = {"terminal", "drivers", "offline_queue", "ui", "backoffice", "tests"}
#: Installed with --no-deps on purpose (it declares opencv-python, which bundles Qt 5
#: and breaks PySide6): pinned in requirements-nodeps.txt, its real needs declared.
NO_DEPS = {"insightface": "insightface"}
#: Optional extras that the default install leaves out (imported only when configured).
NOT_INSTALLED = {"evdev": "evdev"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_roots(folder: str) -> set[str]:
    roots: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
    return roots - OUR_PACKAGES - set(sys.stdlib_module_names)


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = re.compile(r"^[A-Za-z0-9_.\-]+")
    runtime = {normalise(name.match(d).group()) for d in project["dependencies"]}
    extras = {normalise(name.match(d).group())
              for deps in project.get("optional-dependencies", {}).values() for d in deps}
    return runtime, extras


def pinned(*files: str) -> set[str]:
    names = set()
    for file in files:
        for line in (ROOT / file).read_text(encoding="utf-8").splitlines():
            if "==" in line and not line.lstrip().startswith("#"):
                names.add(normalise(line.split("==")[0].strip()))
    return names


@functools.lru_cache(maxsize=1)
def installed_modules() -> dict[str, list[str]]:
    return packages_distributions()


def distribution_of(module: str) -> str:
    if module in NO_DEPS:
        return NO_DEPS[module]
    if module in NOT_INSTALLED:
        return NOT_INSTALLED[module]
    found = installed_modules().get(module)
    assert found, f"module {module!r} is imported but no installed distribution provides it"
    return normalise(found[0])


def test_the_application_imports_only_declared_and_pinned_packages():
    runtime, extras = declared()
    pins = pinned("requirements.txt")
    for folder in ("terminal", "drivers", "offline_queue", "ui"):
        for module in sorted(imported_roots(folder)):
            dist = distribution_of(module)
            if module in NO_DEPS:
                assert dist in pinned("requirements-nodeps.txt"), module
                continue
            assert dist in runtime | extras, f"{folder}/ imports {module} ({dist}): " \
                                             "declare it in pyproject.toml"
            if module not in NOT_INSTALLED:
                assert dist in pins, f"{dist} is not pinned in requirements.txt"


def test_the_back_office_imports_only_declared_and_pinned_packages():
    runtime, extras = declared()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    backoffice_extra = {normalise(re.match(r"^[A-Za-z0-9_.\-]+", d).group())
                        for d in project["optional-dependencies"]["backoffice"]}
    pins = pinned("requirements.txt", "requirements-backoffice.txt")
    for module in sorted(imported_roots("backoffice")):
        dist = distribution_of(module)
        assert dist in runtime | backoffice_extra, \
            f"backoffice/ imports {module} ({dist}): declare it in the backoffice extra"
        assert dist in pins, f"{dist} is not pinned in requirements-backoffice.txt"


def test_the_tests_import_only_declared_and_pinned_packages():
    runtime, extras = declared()
    pins = pinned("requirements.txt", "requirements-test.txt", "requirements-backoffice.txt")
    for module in sorted(imported_roots("tests")):
        dist = distribution_of(module)
        if module in NO_DEPS:
            continue
        assert dist in runtime | extras and dist in pins, f"tests import {module} ({dist})"


def test_every_declared_package_is_pinned():
    runtime, extras = declared()
    pins = pinned("requirements.txt", "requirements-test.txt")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    test_extra = {normalise(re.match(r"^[A-Za-z0-9_.\-]+", d).group())
                  for d in project["optional-dependencies"]["test"]}
    assert not (runtime | test_extra) - pins
