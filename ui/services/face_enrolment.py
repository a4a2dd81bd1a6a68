"""Enrolling a member's face from images: consent, measure, decide, store.

Used by the kiosk's live enrolment, ``payterm face enroll`` and the demo. The rules and
the storing are ``terminal.face_enrolment``; the measuring is ``drivers.face.enrolment``.
The images themselves are not kept.
"""

from __future__ import annotations

import time

import numpy as np

from drivers.face.enrolment import measure_samples
from terminal.face_enrolment import EnrolmentReport, consent_record, enrol_measured
from terminal.ports.face import FaceEngine, FaceGallery, FaceTemplateStore
from terminal.settings.face_section import FaceSettings

__all__ = ["EnrolmentReport", "enrol_member"]


def enrol_member(*, engine: FaceEngine, gallery: FaceGallery, store: FaceTemplateStore,
                 settings: FaceSettings, member_id: str, phone: str,
                 samples: list[tuple[str, np.ndarray]], consent_given: bool,
                 consent_text: str, recorded_by: str,
                 now_s: float | None = None, name: str = "") -> EnrolmentReport:
    """Enrol ``member_id`` from ``samples`` [(label, BGR image)] with the consent the
    member gave to ``consent_text``.

    Raises UserFacingError (nothing stored) without consent or with another consent
    text, with too few good samples, with samples of different people, or when the face
    belongs to another member.
    """
    consent = consent_record(member_id=member_id, consent_given=consent_given,
                             consent_text=consent_text, settings=settings,
                             recorded_by=recorded_by, now_s=now_s or time.time())
    return enrol_measured(measure_samples(engine, gallery, samples), gallery=gallery,
                          store=store, settings=settings, member_id=member_id, phone=phone,
                          consent=consent, name=name)
