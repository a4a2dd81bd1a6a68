"""Is the host reachable? Online/offline from call outcomes, with a circuit breaker.

* A call that certainly did not reach the host (HostUnreachable: refused, DNS, connect
  timeout) means offline at once.
* Other failures (read timeout, HTTP 500, garbage answers) count toward the breaker:
  ``breaker_failures`` in a row mean offline.
* Back online only through a successful health probe (a signed ``ping``), tried after
  ``probe_interval_s`` and then with doubling waits up to ``probe_backoff_max_s``.
* ``forced_offline`` keeps it offline whatever happens (training, tests).

No I/O except the probe through the HostHealth port. Thread-safe: the sync worker and
the tenders report into one monitor.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from terminal.errors import HostError, HostUnreachable
from terminal.ports.host import Clock, HostHealth
from terminal.settings.offline_section import OfflineSettings

log = logging.getLogger(__name__)

REASON_FORCED = "已设置为离线模式 forced offline by settings (offline.forced_offline)"
REASON_UNREACHABLE = "无法连接支付平台 host unreachable"
REASON_BREAKER = "支付平台连续出错 host failed {n} times in a row"


@dataclass(frozen=True)
class ConnectivityStatus:
    online: bool
    reason: str                 # bilingual, empty when online
    next_probe_at: float | None  # clock.monotonic() seconds; None when online


class ConnectivityMonitor:
    def __init__(self, settings: OfflineSettings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._online = True
        self._reason = ""
        self._failures = 0
        self._probe_wait_s = settings.probe_interval_s
        self._next_probe_at: float | None = None
        if settings.forced_offline:
            self._go_offline(REASON_FORCED)

    # -- what callers ask --------------------------------------------------------------
    def status(self) -> ConnectivityStatus:
        with self._lock:
            return ConnectivityStatus(self._online, self._reason,
                                      None if self._online else self._next_probe_at)

    @property
    def online(self) -> bool:
        return self.status().online

    # -- what callers report -----------------------------------------------------------
    def record_success(self) -> None:
        """A host call got a real answer (even a business refusal)."""
        if self._settings.forced_offline:
            return
        with self._lock:
            self._failures = 0
            if not self._online:
                log.info("host reachable again")
            self._online, self._reason = True, ""
            self._probe_wait_s = self._settings.probe_interval_s
            self._next_probe_at = None

    def record_failure(self, error: BaseException) -> None:
        """A host call failed; HostUnreachable means offline now, others count."""
        with self._lock:
            self._failures += 1
            if isinstance(error, HostUnreachable):
                self._go_offline(REASON_UNREACHABLE)
            elif self._failures >= self._settings.breaker_failures:
                self._go_offline(REASON_BREAKER.format(n=self._failures))

    # -- coming back -------------------------------------------------------------------
    def probe_due(self) -> bool:
        with self._lock:
            return (not self._online and not self._settings.forced_offline
                    and self._next_probe_at is not None
                    and self._clock.monotonic() >= self._next_probe_at)

    def probe(self, health: HostHealth, *, force: bool = False) -> bool:
        """Ping the host if a probe is due (or ``force``); returns whether online.
        Blocking (one network round trip): call from a worker thread."""
        if self._settings.forced_offline:
            return False
        if not force and (self.online or not self.probe_due()):
            return self.online
        try:
            health.ping()
        except HostError as exc:
            with self._lock:
                self._probe_wait_s = min(self._settings.probe_backoff_max_s,
                                         self._probe_wait_s * 2)
                if self._online:
                    self._failures += 1
                    self._go_offline(REASON_UNREACHABLE if isinstance(exc, HostUnreachable)
                                     else REASON_BREAKER.format(n=self._failures))
                else:
                    self._next_probe_at = self._clock.monotonic() + self._probe_wait_s
            return False
        self.record_success()
        return True

    def _go_offline(self, reason: str) -> None:
        # Called with the lock held.
        if self._online:
            log.warning("host offline: %s", reason)
        self._online = False
        self._reason = REASON_FORCED if self._settings.forced_offline else reason
        self._next_probe_at = self._clock.monotonic() + self._probe_wait_s
