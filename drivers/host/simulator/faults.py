"""Fault injection: what the simulated host does wrong, set at run time by tests.

A fault applies to gateway requests (optionally only some methods), for the next
``count`` requests or until cleared. ``commit`` says whether the request is carried out
before the fault hits: a slow or dropped answer AFTER the host committed is the case that
makes outcomes unknown.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any, Iterable

MODES = ("http_500", "html", "garbage", "slow", "drop", "bad_sign")


@dataclass(frozen=True)
class Fault:
    mode: str
    commit: bool = True
    count: int | None = None          # None: until cleared
    methods: tuple[str, ...] = ()     # empty: every method
    delay_s: float | None = None      # slow: default is the config's slow_delay_s

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"fault mode must be one of {', '.join(MODES)}")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1")
        if self.delay_s is not None and not 0 <= self.delay_s <= 3600:
            raise ValueError("delay_s must be 0..3600")


class FaultBoard:
    """The faults in force. Thread-safe: the admin endpoint writes, handlers read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._busy_members: frozenset[str] = frozenset()

    def set(self, fault: Fault | None) -> None:
        with self._lock:
            self._fault = fault

    def clear(self) -> None:
        with self._lock:
            self._fault = None
            self._busy_members = frozenset()

    def set_busy_members(self, member_ids: Iterable[object]) -> None:
        """Members whose offline records answer "retryable" (account locked for now)."""
        with self._lock:
            self._busy_members = frozenset(str(m) for m in member_ids)

    def member_is_busy(self, member_id: str) -> bool:
        with self._lock:
            return member_id in self._busy_members

    def take(self, method: str) -> Fault | None:
        """The fault for this request, counting it down."""
        with self._lock:
            fault = self._fault
            if fault is None or (fault.methods and method not in fault.methods):
                return None
            if fault.count is not None:
                remaining = fault.count - 1
                self._fault = (Fault(fault.mode, fault.commit, remaining, fault.methods,
                                     fault.delay_s) if remaining > 0 else None)
            return fault

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {"fault": asdict(self._fault) if self._fault else None,
                    "busy_members": sorted(self._busy_members)}


def fault_from_dict(data: dict[str, Any]) -> Fault | None:
    """Parse the admin endpoint's JSON; mode "none" clears. Raises ValueError."""
    mode = str(data.get("mode", "none"))
    if mode == "none":
        return None
    count = data.get("count")
    delay = data.get("delay_s")
    return Fault(mode=mode, commit=bool(data.get("commit", True)),
                 count=None if count is None else int(count),
                 methods=tuple(str(m) for m in data.get("methods", ())),
                 delay_s=None if delay is None else float(delay))
