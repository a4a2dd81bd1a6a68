"""Shared fixtures: an isolated data directory and settings per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PAYTERM_SHARED_DIR", REPO_ROOT.parent / "shared"))
MODELS_DIR = SHARED / "models"
FACES_DIR = SHARED / "testdata" / "faces"

# The back office's fixtures (PostgreSQL server, databases on both backends).
pytest_plugins = ["tests.backoffice.fixtures", "tests.backoffice.wallet_fixtures"]

# Qt tests run offscreen everywhere (CI has no display).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory) -> Path:
    """Terminal and host key pairs, made once per session (RSA generation is the slow
    part), for tests that talk to the host simulator."""
    from drivers.host.keys import (HOST_PRIVATE, HOST_PUBLIC, TERMINAL_PRIVATE,
                                   TERMINAL_PUBLIC, generate_key_pair)
    path = tmp_path_factory.mktemp("keys")
    generate_key_pair(path / TERMINAL_PRIVATE, path / TERMINAL_PUBLIC)
    generate_key_pair(path / HOST_PRIVATE, path / HOST_PUBLIC)
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    """A fresh data directory; PAYTERM_* from the outer environment cannot leak in."""
    for key in list(os.environ):
        if key.startswith("PAYTERM"):
            monkeypatch.delenv(key, raising=False)
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("PAYTERM_DATA_DIR", str(path))
    return path
