"""The store's face gallery as the back office sends it (``payterm.face.sync``), and
the rule that bounds how long an erased face can still pay at a terminal.

The back office numbers every change of a store's gallery (an enrolment or an erasure);
a terminal asks for the changes after the version it has applied and gets, per changed
member, that member's state now: ``add`` with all templates, or ``remove``. Asking
"since V" is the terminal's receipt that it applied V.

Erasure bound: a terminal syncs every ``sync_interval_s``; a deletion made at the back
office is applied at the next sync, so within ``sync_interval_s`` + one call deadline
on a connected terminal. A terminal that could not sync for ``max_age_s`` stops
identifying faces (``gallery_fresh``) until it syncs again, so an erased face can
never pay for longer than ``max_age_s`` after its erasure, connected or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Protocol

from terminal.ports.face import FaceGallery


class ChangeAction(str, Enum):
    ADD = "add"           # the member's complete current templates (replace any held)
    REMOVE = "remove"     # drop the member (erased, or no template of this recognizer)


@dataclass(frozen=True)
class GalleryChange:
    member_id: str
    action: ChangeAction
    templates: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class GalleryDelta:
    since_version: int
    gallery_version: int          # apply the changes, then remember this
    more: bool                    # ask again from gallery_version
    reset: bool                   # drop every synced member before applying
    changes: tuple[GalleryChange, ...]


@dataclass(frozen=True)
class FaceEnrolled:
    """The back office stored an enrolment (or recognised a resent one)."""

    member_id: str
    gallery_version: int
    templates_stored: int


def gallery_fresh(last_synced_at_s: float | None, now_s: float, max_age_s: float) -> bool:
    """May the synced gallery still identify faces? Not once the last successful sync
    is older than ``max_age_s`` (then an erasure may be waiting at the back office)."""
    if last_synced_at_s is None:
        return False
    return 0 <= now_s - last_synced_at_s <= max_age_s


class FaceSyncHost(Protocol):
    def face_sync(self, since_version: int, template_version: str) -> GalleryDelta: ...


class SyncedGalleryStore(Protocol):
    def gallery_state(self) -> tuple[int, float | None]: ...

    def apply_gallery_page(self, delta: GalleryDelta, template_version: str,
                           now: float) -> tuple[int, int]: ...


@dataclass
class SyncOutcome:
    version: int = 0
    added: int = 0
    removed: int = 0
    pages: int = 0


#: A sync stops after this many pages (200 members each); the next one continues.
MAX_PAGES_PER_SYNC = 500


def sync_gallery(host: FaceSyncHost, store: SyncedGalleryStore, template_version: str,
                 clock: Callable[[], float], *,
                 on_page: Callable[[GalleryDelta], None] | None = None,
                 max_pages: int = MAX_PAGES_PER_SYNC) -> SyncOutcome:
    """Bring the store (and, through ``on_page``, the in-memory gallery) to the back
    office's gallery version. Host errors propagate (the store keeps what was applied).
    When anything changed, one more ask "since" the new version gives the back office its
    receipt at once, so an erasure shows as reached within this sync."""
    outcome = SyncOutcome()
    since, _ = store.gallery_state()
    changed = False
    while outcome.pages < max_pages:
        delta = host.face_sync(since, template_version)
        added, removed = store.apply_gallery_page(delta, template_version, clock())
        if on_page is not None:
            on_page(delta)
        outcome.pages += 1
        outcome.added += added
        outcome.removed += removed
        changed = changed or bool(delta.changes) or delta.reset
        since = delta.gallery_version
        if not delta.more:
            break
    if changed and outcome.pages < max_pages:
        receipt = host.face_sync(since, template_version)
        store.apply_gallery_page(receipt, template_version, clock())
        if on_page is not None:
            on_page(receipt)
        since = receipt.gallery_version
    outcome.version = since
    return outcome


def apply_to_gallery(gallery: FaceGallery, delta: GalleryDelta,
                     decode: Callable[[bytes], Any], template_version: str) -> None:
    """The same page applied to the in-memory gallery the kiosk identifies against."""
    for change in delta.changes:
        gallery.remove_member(change.member_id)
        if change.action is ChangeAction.ADD:
            gallery.add_member(change.member_id, [decode(t) for t in change.templates],
                               template_version)
