"""From a frame analysis to ``terminal.face_identification.FrameFacts``: the numbers the
face-pay rules decide on (quality metrics, passive score, the gallery's best and
second-best member, the landmark measures while a challenge runs). Measuring only; the
decisions are in ``terminal.face_identification`` and ``terminal.face_pay_session``.
"""

from __future__ import annotations

from drivers.face.landmark_measures import challenge_measures
from terminal.face_identification import FaceFacts, FrameFacts
from terminal.ports.face import FaceGallery, FrameAnalysis


def frame_facts(analysis: FrameAnalysis, gallery: FaceGallery) -> FrameFacts:
    """Search the gallery for the dominant face (if any) and collect the facts."""
    version = getattr(gallery, "template_version", "")
    face = analysis.dominant
    if face is None:
        return FrameFacts(analysis.faces_found, None, version)
    measures = challenge_measures(face.landmarks) if face.landmarks is not None else None
    return FrameFacts(analysis.faces_found, FaceFacts(
        bbox=face.bbox, quality=face.quality, passive_score=face.passive_score,
        match=gallery.identify(face.embedding), measures=measures), version)
