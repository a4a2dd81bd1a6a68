"""Plain facts for the face-pay rules: what the driver would have measured."""

from __future__ import annotations

from terminal.active_challenge import ChallengeMeasures
from terminal.face_identification import FaceFacts, FrameFacts
from terminal.face_policy import FaceQualityMetrics
from terminal.ports.face import GalleryMatch

GOOD = FaceQualityMetrics(face_px=200, yaw_ratio=0.02, pitch_ratio=0.05, sharpness=500,
                          brightness=130)
BOX = (100.0, 100.0, 300.0, 320.0)


def face(member: str | None = "m1", score: float = 0.7, second: float = 0.2,
         passive: float = 0.97, quality: FaceQualityMetrics = GOOD, *,
         openness: float | None = None, yaw: float = 0.0,
         box: tuple[float, float, float, float] = BOX) -> FrameFacts:
    """One frame with one dominant face; ``openness`` adds the landmark measures."""
    measures = ChallengeMeasures(openness, yaw) if openness is not None else None
    return FrameFacts(1, FaceFacts(box, quality, passive,
                                   GalleryMatch(member, score, second, "v1"), measures), "v1")


def no_face(faces_found: int = 0) -> FrameFacts:
    return FrameFacts(faces_found, None, "v1")
