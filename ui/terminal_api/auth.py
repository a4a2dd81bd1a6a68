"""``Authorization: Bearer <key>``: constant-time compare; failures logged (address,
never the key) and limited per client address: past the limit every request from that
address is refused (429) until a minute has passed without a failure."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)
WINDOW_S = 60.0


class BearerAuth:
    def __init__(self, key: str, failures_per_minute: int, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._key = key.encode()
        self._limit = failures_per_minute
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, header: str | None, client: str) -> int:
        """200 when allowed, 401 for a wrong or missing key, 429 when this address
        failed too often."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < WINDOW_S]
            if recent:
                self._failures[client] = recent
            else:
                self._failures.pop(client, None)
            if len(recent) >= self._limit:
                log.warning("Terminal API: %s refused (too many failed keys)", client)
                return 429
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              self._key):
            return 200
        with self._lock:
            self._failures.setdefault(client, []).append(now)
            if len(self._failures) > 10_000:
                self._failures.pop(next(iter(self._failures)))
        log.warning("Terminal API: %s sent %s", client,
                    "no key" if not header else "a wrong key")
        return 401
