"""The hostile suite's fixtures (tests/hostile/conftest.py) for the tests that need the
kiosk's services (ui/), which the layers test keeps out of tests/hostile."""

from tests.hostile.conftest import proxy, sim, terminal  # noqa: F401
