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
    thread that opened them); all closed by ``close``."""

    def __init__(self, deps: ApiDeps) -> None:
        self._deps = deps
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list = []

    def journal(self):
        return self._get("journal", self._deps.open_journal)

    def store(self):
        return self._get("store", self._deps.open_store)

    def _get(self, name: str, factory):
        value = getattr(self._local, name, None)
        if value is None:
            value = factory()
            setattr(self._local, name, value)
            with self._lock:
                self._opened.append(value)
        return value

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for item in opened:
            try:
                item.close()
            except Exception:
                pass
