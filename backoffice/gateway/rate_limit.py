"""Per-terminal token buckets, held in this server process.

With N worker processes (and M instances) a terminal may get up to N*M times the rate
before it is refused: the limit is there to stop a runaway terminal from starving the
others, not to meter exactly (docs/backoffice.md says so). Idle buckets are dropped.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class RateLimiter:
    def __init__(self, rate_per_s: float, burst: int, *,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._rate = float(rate_per_s)
        self._burst = float(burst)
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}     # key -> (tokens, at)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - at) * self._rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            if len(self._buckets) >= self._max_keys and key not in self._buckets:
                self._drop_full_buckets(now)
            self._buckets[key] = (tokens, now)
            return allowed

    def retry_after_s(self) -> float:
        return 1.0 / self._rate

    def _drop_full_buckets(self, now: float) -> None:
        refill_s = self._burst / self._rate
        for key in [k for k, (_, at) in self._buckets.items() if now - at >= refill_s]:
            del self._buckets[key]
