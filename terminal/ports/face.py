"""Ports for face-pay: the engine that measures faces, the 1:N gallery and the template
store. ``drivers/face`` implements the first two, ``offline_queue/face_store`` the third.

Embeddings and landmarks are opaque here (numpy arrays in the drivers): the domain never
looks inside a face template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol, runtime_checkable

from terminal.face_policy import FaceQualityMetrics


@dataclass(frozen=True)
class FaceObservation:
    """One detected face in one frame, fully measured."""

    bbox: tuple[float, float, float, float]    # x1, y1, x2, y2 in frame pixels
    det_score: float
    quality: FaceQualityMetrics
    passive_score: float                       # 0..1 live probability (ensemble)
    embedding: Any                             # unit vector (float32[512]); opaque here
    landmarks: Any = None                      # float32[106, 2] when landmarks are on


@dataclass(frozen=True)
class FrameAnalysis:
    faces_found: int
    dominant: FaceObservation | None           # None: no face, or no single clear face
    boxes: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class GalleryMatch:
    member_id: str | None                      # None when the gallery is empty
    score: float                               # best template of the best member
    second_score: float                        # best template of any other member; -1
    template_version: str


@runtime_checkable
class FaceEngine(Protocol):
    """Face detection, quality, passive liveness and embedding on BGR frames.

    CPU-bound (about 15-40 ms a frame on 2 cores): call from a worker thread (see
    ``drivers.face.pipeline``), never the GUI thread. One caller thread at a time.
    """

    template_version: str

    def analyze(self, frame_bgr: Any, *, landmarks: bool = False) -> FrameAnalysis:
        """Measure every face and pick the dominant one; with ``landmarks`` also the
        106 points (for the active challenge). Raises DeviceError on a malformed frame
        or a model failure."""

    def embed_aligned(self, face_112_bgr: Any) -> Any:
        """Embedding of an already aligned 112x112 crop (unit vector)."""


@runtime_checkable
class FaceGallery(Protocol):
    """In-memory 1:N search over enrolled templates. Thread-safe; non-blocking except
    for a short lock; raises nothing for an empty gallery (member_id None)."""

    def identify(self, embedding: Any) -> GalleryMatch:
        """Best and second-best member by cosine similarity."""

    def add_member(self, member_id: str, templates: Iterable[Any], version: str) -> None:
        """Add (or replace) a member's templates incrementally."""

    def remove_member(self, member_id: str) -> int:
        """Drop a member's templates; returns how many were dropped."""

    def member_count(self) -> int:
        """Number of members with at least one template."""


@dataclass(frozen=True)
class ConsentRecord:
    member_id: str
    given_at: float                            # epoch seconds
    consent_text: str
    consent_version: str
    recorded_by: str                           # terminal id / operator / "cli"


@dataclass(frozen=True)
class StoredTemplate:
    member_id: str
    template_version: str
    vector: bytes                              # float32[512] little-endian, decrypted


@runtime_checkable
class FaceTemplateStore(Protocol):
    """Durable, encrypted face templates with consent and deletion records.

    Blocking SQLite I/O on the calling thread's own connection; raises QueueError
    subclasses on storage failures and UserFacingError on refused requests.
    """

    def enrol(self, member_id: str, phone: str, templates: list[bytes], version: str,
              consent: ConsentRecord, *, name: str = "") -> None:
        """Store a new member (optional ``name``) with its consent record and templates,
        atomically."""

    def delete_member(self, member_id: str, reason: str) -> int:
        """Erase a member's templates and phone; record the deletion; returns count."""

    def load_templates(self) -> list[StoredTemplate]:
        """Every active template, decrypted, for building the gallery at start."""

    def enrolled_count(self) -> int:
        """Members currently enrolled (diagnostics)."""

    def phone_last4(self, member_id: str) -> str | None:
        """The enrolled phone's last 4 digits, for step-up."""

    def contact(self, member_id: str) -> tuple[str, str] | None:
        """(name, phone) of an enrolled member, for the shopper's masked confirmation."""
