"""A clock for tests: ``sleep`` advances time instantly, so a 60-second budget takes
no real time."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self._now = start
        self._mono = 1000.0
        self.slept = 0.0

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self._now += seconds
        self._mono += seconds
        self.slept += seconds
