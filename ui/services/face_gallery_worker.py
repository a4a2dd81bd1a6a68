"""The kiosk's face gallery sync: a thread that asks the back office for the store
gallery's changes every ``face.gallery_sync_interval_s`` and applies them to the face
store and to the in-memory gallery the kiosk identifies against (rules in
``terminal.face_gallery_sync``). An erasure at the back office therefore leaves this
kiosk within one interval (plus a call deadline) while it is connected; ``last_synced_at``
feeds the freshness rule (``face.gallery_max_age_s``) that stops face-pay when it is not.

The store is opened on the worker's own thread (SQLite connections stay on theirs).
Host and storage errors are logged and tried again next time; nothing is lost: the next
sync starts from the version the store remembers.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from terminal.errors import TerminalError
from terminal.face_gallery_sync import FaceSyncHost, GalleryDelta, apply_to_gallery, sync_gallery
from terminal.ports.face import FaceGallery

log = logging.getLogger(__name__)


class GallerySyncWorker:
    def __init__(self, host: FaceSyncHost, store_factory: Callable[[], object],
                 gallery: FaceGallery, template_version: str, decode: Callable[[bytes], object],
                 interval_s: float, *, clock: Callable[[], float] = time.time) -> None:
        self._host = host
        self._store_factory = store_factory
        self._gallery = gallery
        self._template_version = template_version
        self._decode = decode
        self._interval_s = interval_s
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_synced_at: float | None = None
        self.last_error = ""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="face-gallery-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> bool:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            return not self._thread.is_alive()
        return True

    def _run(self) -> None:
        try:
            store = self._store_factory()
        except Exception:
            log.exception("face gallery sync: cannot open the face store")
            return
        try:
            self.last_synced_at = store.gallery_state()[1]   # type: ignore[attr-defined]
            while not self._stop.is_set():
                self.sync_once(store)
                self._stop.wait(self._interval_s)
        finally:
            store.close()                                    # type: ignore[attr-defined]

    def sync_once(self, store) -> None:
        def on_page(delta: GalleryDelta) -> None:
            apply_to_gallery(self._gallery, delta, self._decode, self._template_version)
            if delta.reset:       # members the back office no longer has: drop them here too
                for member in store.members():
                    if member["status"] != "active":
                        self._gallery.remove_member(member["member_id"])

        try:
            outcome = sync_gallery(self._host, store, self._template_version, self._clock,
                                   on_page=on_page)
        except TerminalError as exc:
            self.last_error = str(exc)
            log.warning("face gallery sync failed: %s", exc)
            return
        except Exception as exc:      # a bug must not end the worker: log, retry later
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("face gallery sync failed unexpectedly")
            return
        self.last_synced_at = self._clock()
        self.last_error = ""
        if outcome.added or outcome.removed:
            log.info("face gallery synced to v%d: %d added, %d removed", outcome.version,
                     outcome.added, outcome.removed)
