"""What the Terminal API engine needs, handed in by the composition root."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from terminal.attempt import Attempt
from terminal.settings.model import Settings
from ui.terminal_api.events import EventHub


class CustomerInput(Protocol):
    """Where a customer presents a payment code when the POS sent none (the kiosk's
    screen, a scanner). Blocks until a code, ``None`` when the customer cancelled or
    ``stop`` was set (a POS abort) or ``deadline_s`` passed."""

    def wait_for_code(self, sale: dict, stop: threading.Event,
                      deadline_s: float) -> str | None: ...


@dataclass
class ApiDeps:
    settings: Settings
    poi_id: str
    open_journal: Callable[[], Any]          # a new SqliteJournal (for one thread)
    open_store: Callable[[], Any]            # a new PosApiStore (for one thread)
    wallet_payment: Callable[[Any], Any]     # journal -> WalletPayment
    refunds: Callable[[Any], Any]            # journal -> Refunds
    receipt_lines: Callable[[Attempt], tuple[str, ...]]
    close_day: Callable[[Any], dict]         # journal -> EodResult.as_dict()
    diagnosis: Callable[[], dict]            # {"host_reachable": bool, "printer": str}
    enqueue_print: Callable[[str, str, tuple[str, ...]], bool] | None = None
    customer_input: CustomerInput | None = None
    events: EventHub = field(default_factory=EventHub)
    customer_wait_s: float = 120.0
    clock: Callable[[], float] = time.time


class PerThread:
    """One journal and one store connection per thread (sqlite3 connections stay on the
    thread that opened them). Threads come and go (the HTTP server's worker threads end
    when idle): the connections of a thread that has ended are dropped (and so closed)
    when another thread opens its own, so they never pile up. ``close_current_thread``
    closes the calling thread's; ``close`` forgets them all."""

    def __init__(self, deps: ApiDeps) -> None:
        self._deps = deps
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[tuple[threading.Thread, Any]] = []

    def journal(self):
        return self._get("journal", self._deps.open_journal)

    def store(self):
        return self._get("store", self._deps.open_store)

    def open_count(self) -> int:
        with self._lock:
            return len(self._opened)

    def _get(self, name: str, factory):
        value = getattr(self._local, name, None)
        if value is None:
            self._forget_ended_threads()
            value = factory()
            setattr(self._local, name, value)
            with self._lock:
                self._opened.append((threading.current_thread(), value))
        return value

    def _forget_ended_threads(self) -> None:
        with self._lock:
            ended = [item for thread, item in self._opened if not thread.is_alive()]
            self._opened = [(t, item) for t, item in self._opened if t.is_alive()]
        for item in ended:
            _close_quietly(item)   # another thread's: sqlite3 refuses; dropping it closes it

    def close_current_thread(self) -> None:
        me = threading.current_thread()
        with self._lock:
            mine = [item for thread, item in self._opened if thread is me]
            self._opened = [(t, item) for t, item in self._opened if t is not me]
        for name in ("journal", "store"):
            if hasattr(self._local, name):
                delattr(self._local, name)
        for item in mine:
            _close_quietly(item)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for _thread, item in opened:
            _close_quietly(item)


def _close_quietly(item) -> None:
    try:
        item.close()
    except Exception:
        pass
