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
