"""Model fixtures for the face driver tests (the engine is shared by the session)."""

from __future__ import annotations

import pytest

from tests.unit.drivers.face.face_samples import shared_engine


@pytest.fixture(scope="session")
def engine():
    return shared_engine()
