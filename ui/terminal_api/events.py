"""Progress events for POS displays ("waiting for the customer", "confirming the result").

Every subscriber (a server-sent-event stream) has its own bounded queue: a slow display
never slows a payment; when its queue is full the oldest event goes and the next one it
gets says how many it missed (``Dropped``). ``EventHub.close`` (the API stopping) ends
every stream at once, so a connected display never holds up a shutdown.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time

log = logging.getLogger(__name__)
MAX_QUEUED = 100
_END: dict = {}              # put in a subscriber's queue when the hub closes


class Subscription:
    def __init__(self, hub: "EventHub", sale_id: str | None) -> None:
        self._hub = hub
        self.sale_id = sale_id
        self._queue: queue.Queue[dict] = queue.Queue(MAX_QUEUED)
        self._dropped = 0
        self.ended = False

    def end(self) -> None:
        self.ended = True
        self._put(_END)

    def offer(self, event: dict) -> None:
        if self.sale_id and event.get("SaleID") != self.sale_id:
            return
        self._put(event)

    def _put(self, event: dict) -> None:
        while True:
            try:
                self._queue.put_nowait(event)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                    self._dropped += 1
                except queue.Empty:
                    pass

    def next(self, timeout_s: float) -> dict | None:
        """The next event, or None after ``timeout_s`` or once the hub closed."""
        if self.ended:
            return None
        try:
            event = self._queue.get(timeout=timeout_s)
        except queue.Empty:
            return None
        if event is _END:
            return None
        if self._dropped:
            event = {**event, "Dropped": self._dropped}
            self._dropped = 0
        return event

    def close(self) -> None:
        self._hub.unsubscribe(self)


class EventHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: list[Subscription] = []
        self._ids = itertools.count(1)
        self._listeners: list = []
        self._closed = False

    def subscribe(self, sale_id: str | None = None) -> Subscription:
        sub = Subscription(self, sale_id)
        with self._lock:
            if self._closed:
                sub.ended = True
            else:
                self._subs.append(sub)
        return sub

    def close(self) -> None:
        """End every stream now (and any that subscribes later)."""
        with self._lock:
            self._closed = True
            subs, self._subs = self._subs, []
        for sub in subs:
            sub.end()

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def add_listener(self, listener) -> None:
        """An in-process listener (the kiosk's screen): called on the publishing thread."""
        with self._lock:
            self._listeners.append(listener)

    def publish(self, sale_id: str, service_id: str, transaction_id: str, event: str,
                message: str = "", **extra) -> dict:
        item = {"EventID": next(self._ids), "TimeStamp": time.time(), "SaleID": sale_id,
                "ServiceID": service_id, "TransactionID": transaction_id, "Event": event,
                **({"Message": message} if message else {}), **extra}
        with self._lock:
            subs, listeners = list(self._subs), list(self._listeners)
        for sub in subs:
            sub.offer(item)
        for listener in listeners:
            try:
                listener(item)
            except Exception:   # a screen's problem never stops a payment
                log.exception("progress listener failed")
        return item

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subs)
