"""Enrolling a member's face: consent, measure the samples, decide, store.

Used by the kiosk's live enrolment, ``payterm face enroll`` and the demo. The rules are
``terminal.face_enrolment``; the measuring is ``drivers.face.enrolment``; the templates
go to the encrypted store with the consent record, then into the in-memory gallery.
The images themselves are not kept.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from drivers.face.enrolment import measure_samples, template_bytes
from terminal.face_enrolment import consent_record, decide_enrolment
from terminal.ports.face import FaceEngine, FaceGallery, FaceTemplateStore
from terminal.settings.face_section import FaceSettings

log = logging.getLogger(__name__)


@dataclass
class EnrolmentReport:
    member_id: str
    templates_stored: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (sample label, why)


def enrol_member(*, engine: FaceEngine, gallery: FaceGallery, store: FaceTemplateStore,
                 settings: FaceSettings, member_id: str, phone: str,
                 samples: list[tuple[str, np.ndarray]], consent_given: bool,
                 consent_text: str, recorded_by: str,
                 now_s: float | None = None) -> EnrolmentReport:
    """Enrol ``member_id`` from ``samples`` [(label, BGR image)] with the consent the
    member gave to ``consent_text``.

    Raises UserFacingError (nothing stored) without consent or with another consent
    text, with too few good samples, with samples of different people, or when the face
    belongs to another member.
    """
    consent = consent_record(member_id=member_id, consent_given=consent_given,
                             consent_text=consent_text, settings=settings,
                             recorded_by=recorded_by, now_s=now_s or time.time())
    measured = measure_samples(engine, gallery, samples)
    decision = decide_enrolment(measured.facts, measured.similarity, member_id=member_id,
                                settings=settings)
    keep = [measured.embeddings[i] for i in decision.keep]
    store.enrol(member_id, phone, [template_bytes(v) for v in keep], engine.template_version,
                consent)
    gallery.add_member(member_id, keep, engine.template_version)
    log.info("member enrolled with %d templates", len(keep))
    return EnrolmentReport(member_id, len(keep), list(decision.rejected))
