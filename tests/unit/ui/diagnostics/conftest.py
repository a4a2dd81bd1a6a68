"""Building a DiagEnvironment for one test from a real data directory and settings."""

from __future__ import annotations

import pytest

from terminal.settings.model import settings_from
from ui.diagnostics.environment import DiagEnvironment


@pytest.fixture
def make_env(data_dir):
    """``make_env({"printer": {"enabled": False}}, now=...)`` → DiagEnvironment."""
    def build(sections: dict | None = None, **options) -> DiagEnvironment:
        return DiagEnvironment(settings=settings_from(sections or {}), data_dir=data_dir,
                               **options)
    return build
