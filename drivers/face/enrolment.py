"""Enrolling a member from several face samples.

Each sample must show one dominant face that passes the quality gate and is not a
passive-liveness spoof. At least ``min_enrol_samples`` good samples are needed, they must
all be the same person, and none may match another enrolled member (a face belongs to
one member only). The templates go to the encrypted store with the consent record, then
into the in-memory gallery. The images themselves are not kept.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from terminal.errors import UserFacingError
from terminal.face_policy import Liveness, assess_quality, passive_liveness
from terminal.ports.face import ConsentRecord, FaceEngine, FaceGallery, FaceTemplateStore
from terminal.settings.face_section import FaceSettings

log = logging.getLogger(__name__)


@dataclass
class EnrolmentReport:
    member_id: str
    templates_stored: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (sample label, why)


def template_bytes(embedding) -> bytes:
    return np.asarray(embedding, dtype="<f4").reshape(-1).tobytes()


def template_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def enrol_member(*, engine: FaceEngine, gallery: FaceGallery, store: FaceTemplateStore,
                 settings: FaceSettings, member_id: str, phone: str,
                 samples: list[tuple[str, np.ndarray]], consent_given: bool,
                 recorded_by: str, now_s: float | None = None) -> EnrolmentReport:
    """Enrol ``member_id`` from ``samples`` [(label, BGR image)].

    Raises UserFacingError (nothing stored) without consent, with too few good samples,
    with samples of different people, or when the face belongs to another member.
    """
    if not consent_given:
        raise UserFacingError(
            "未记录单独同意，不能登记人脸 / Cannot enrol: the member's separate consent "
            "was not recorded (add --consent after the member agreed to the consent text)")
    report = EnrolmentReport(member_id)
    good: list[tuple[float, np.ndarray]] = []
    for label, image in samples:
        analysis = engine.analyze(image)
        face = analysis.dominant
        if face is None:
            report.rejected.append((label, "no face" if analysis.faces_found == 0
                                    else f"{analysis.faces_found} faces, none dominant"))
            continue
        quality = assess_quality(face.quality, settings)
        if not quality.ok:
            report.rejected.append((label, "quality: " + ", ".join(quality.problems)))
            continue
        if passive_liveness(face.passive_score, settings) is Liveness.SPOOF:
            report.rejected.append((label, "not a live face (passive liveness)"))
            continue
        good.append((face.quality.sharpness, face.embedding))
    if len(good) < settings.min_enrol_samples:
        why = "; ".join(f"{label}: {reason}" for label, reason in report.rejected) or "-"
        raise UserFacingError(
            f"合格样本不足 / Not enough good samples: {len(good)} of "
            f"{settings.min_enrol_samples} needed ({why})")
    vectors = np.stack([vec for _, vec in good])
    # Every pair, not each against the mean: one stranger among several samples of the
    # same person would still be close to their mean.
    if float((vectors @ vectors.T).min()) < settings.match_threshold:
        raise UserFacingError("样本不是同一个人 / The samples do not show the same person")
    for vec in vectors:
        match = gallery.identify(vec)
        if match.member_id not in (None, member_id) and match.score >= settings.duplicate_threshold:
            # Which member is not said: that would disclose another person's enrolment.
            raise UserFacingError("此人脸已登记在其他会员名下 / This face is already enrolled "
                                  "for another member; delete that enrolment first")
    good.sort(key=lambda item: item[0], reverse=True)     # sharpest samples first
    keep = [vec for _, vec in good[:settings.max_templates_per_member]]
    consent = ConsentRecord(member_id=member_id, given_at=now_s or time.time(),
                            consent_text=settings.consent_text,
                            consent_version=settings.consent_version, recorded_by=recorded_by)
    store.enrol(member_id, phone, [template_bytes(v) for v in keep], engine.template_version,
                consent)
    gallery.add_member(member_id, keep, engine.template_version)
    report.templates_stored = len(keep)
    log.info("member enrolled with %d templates", len(keep))
    return report
