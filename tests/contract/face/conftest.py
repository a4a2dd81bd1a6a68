"""Face contract tests share the session's engine with the driver unit tests."""

from __future__ import annotations

import pytest

from tests.unit.drivers.face.face_samples import shared_engine


@pytest.fixture(scope="session")
def engine():
    return shared_engine()
