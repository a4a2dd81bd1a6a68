"""The rules of enrolling a member's face, on facts the face driver measured.

* Consent first: nothing is captured or stored without the member's separate consent to
  the consent text of the configured version; the record keeps the text they saw.
* Live capture (``EnrolmentCapture``): every third analysed frame that shows one
  dominant face becomes a sample, until the wanted number is reached.
* The samples (``decide_enrolment``): each must show one dominant face that passes the
  quality gate and is not a passive-liveness spoof; enough good samples are needed;
  they must all be the same person (every pair, not each against the mean: one stranger
  among several samples of the same person would still be close to their mean); none
  may match another enrolled member (a face belongs to one member only). The sharpest
  good samples are kept, up to ``max_templates_per_member``.

``enrol_measured`` then stores the kept templates with the consent record (one
transaction in the template store) and adds them to the in-memory gallery.

Raises ``UserFacingError`` (nothing stored) with a sentence for the member or staff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from terminal.errors import UserFacingError
from terminal.face_policy import FaceQualityMetrics, Liveness, assess_quality, passive_liveness
from terminal.ports.face import ConsentRecord, FaceGallery, FaceTemplateStore, GalleryMatch
from terminal.settings.face_section import FaceSettings

log = logging.getLogger(__name__)

#: One analysed frame in this many becomes a sample (the member moves a little between).
SAMPLE_EVERY_FRAMES = 3

NO_CONSENT = ("未记录单独同意，不能登记人脸 / Cannot enrol: the member's separate consent "
              "was not recorded (add --consent after the member agreed to the consent text)")
CONSENT_TEXT_CHANGED = ("同意书文本不是当前版本，请重新向会员出示 / Cannot enrol: the consent "
                        "text the member saw is not the current version; show it again")
NOT_SAME_PERSON = "样本不是同一个人 / The samples do not show the same person"
# Which member is not said: that would disclose another person's enrolment.
FACE_OF_ANOTHER_MEMBER = ("此人脸已登记在其他会员名下 / This face is already enrolled for "
                          "another member; delete that enrolment first")


def consent_record(*, member_id: str, consent_given: bool, consent_text: str,
                   settings: FaceSettings, recorded_by: str, now_s: float) -> ConsentRecord:
    """The consent record to store with the templates. Refused without consent, or
    when the text the member agreed to is not the configured one (its version would then
    name another text)."""
    if not consent_given:
        raise UserFacingError(NO_CONSENT)
    if consent_text.strip() != settings.consent_text.strip():
        raise UserFacingError(CONSENT_TEXT_CHANGED)
    return ConsentRecord(member_id=member_id, given_at=now_s, consent_text=consent_text,
                         consent_version=settings.consent_version, recorded_by=recorded_by)


def wanted_samples(settings: FaceSettings, kiosk_samples: int) -> int:
    """Samples a live enrolment takes: the kiosk's setting, never fewer than needed."""
    return max(kiosk_samples, settings.min_enrol_samples)


@dataclass
class EnrolmentCapture:
    """Which live frames become samples. Fed once per analysed frame."""

    wanted: int
    captured: int = 0
    frames: int = 0

    @property
    def complete(self) -> bool:
        return self.captured >= self.wanted

    def take(self, face_found: bool) -> bool:
        """Whether this frame is kept as a sample (the caller copies it then)."""
        if self.complete:
            return False
        self.frames += 1
        if face_found and self.frames % SAMPLE_EVERY_FRAMES == 0:
            self.captured += 1
            return True
        return False


@dataclass(frozen=True)
class SampleFacts:
    """One enrolment sample, measured. ``match`` is the gallery's answer for the
    sample's face (who else it looks like)."""

    label: str
    faces_found: int
    quality: FaceQualityMetrics | None = None     # None: no single dominant face
    passive_score: float = 0.0
    match: GalleryMatch | None = None


@dataclass(frozen=True)
class MeasuredSamples:
    """What the face driver measured on the samples, in their order. Embeddings are
    opaque here; ``templates`` holds the same vectors as the bytes the store keeps."""

    facts: list[SampleFacts]
    similarity: list[list[float]]              # cosine of every pair (0 without a face)
    embeddings: list[Any]                      # None where no dominant face was found
    templates: list[bytes | None]
    template_version: str


@dataclass
class EnrolmentReport:
    member_id: str
    templates_stored: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (sample label, why)


@dataclass(frozen=True)
class EnrolmentDecision:
    """Which samples become templates (indices into the samples, sharpest first)."""

    keep: tuple[int, ...]
    rejected: tuple[tuple[str, str], ...] = ()     # (sample label, why)


@dataclass
class _Screened:
    good: list[int] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def screen_samples(samples: list[SampleFacts], settings: FaceSettings) -> _Screened:
    """Split samples into good ones and rejected ones with the reason."""
    out = _Screened()
    for index, sample in enumerate(samples):
        if sample.quality is None:
            out.rejected.append((sample.label, "no face" if sample.faces_found == 0
                                 else f"{sample.faces_found} faces, none dominant"))
            continue
        quality = assess_quality(sample.quality, settings)
        if not quality.ok:
            out.rejected.append((sample.label, "quality: " + ", ".join(quality.problems)))
            continue
        if passive_liveness(sample.passive_score, settings) is Liveness.SPOOF:
            out.rejected.append((sample.label, "not a live face (passive liveness)"))
            continue
        out.good.append(index)
    return out


def decide_enrolment(samples: list[SampleFacts], similarity: list[list[float]], *,
                     member_id: str, settings: FaceSettings) -> EnrolmentDecision:
    """Decide on measured samples. ``similarity[i][j]`` is the cosine similarity of
    samples i and j (only pairs of samples with a face are read)."""
    screened = screen_samples(samples, settings)
    good = screened.good
    if len(good) < settings.min_enrol_samples:
        why = "; ".join(f"{label}: {reason}" for label, reason in screened.rejected) or "-"
        raise UserFacingError(
            f"合格样本不足 / Not enough good samples: {len(good)} of "
            f"{settings.min_enrol_samples} needed ({why})")
    lowest = min(similarity[i][j] for i in good for j in good)
    if lowest < settings.match_threshold:
        raise UserFacingError(NOT_SAME_PERSON)
    for index in good:
        match = samples[index].match
        if match is not None and match.member_id not in (None, member_id) \
                and match.score >= settings.duplicate_threshold:
            raise UserFacingError(FACE_OF_ANOTHER_MEMBER)
    # Sharpest first; ties keep the order the samples were taken in.
    ordered = sorted(good, key=lambda i: _sharpness(samples[i]), reverse=True)
    return EnrolmentDecision(tuple(ordered[:settings.max_templates_per_member]),
                             tuple(screened.rejected))


def _sharpness(sample: SampleFacts) -> float:
    return sample.quality.sharpness if sample.quality is not None else 0.0


def enrol_measured(measured: MeasuredSamples, *, gallery: FaceGallery,
                   store: FaceTemplateStore, settings: FaceSettings, member_id: str,
                   phone: str, consent: ConsentRecord, name: str = "") -> EnrolmentReport:
    """Decide on ``measured`` and, when accepted, store the kept templates with the
    consent record, then add them to the gallery. Raises UserFacingError (nothing
    stored) when refused; the store's errors (QueueError) pass through."""
    decision = decide_enrolment(measured.facts, measured.similarity, member_id=member_id,
                                settings=settings)
    templates = [measured.templates[i] for i in decision.keep]
    store.enrol(member_id, phone, [t for t in templates if t is not None],
                measured.template_version, consent, name=name)
    gallery.add_member(member_id, [measured.embeddings[i] for i in decision.keep],
                       measured.template_version)
    log.info("member enrolled with %d templates", len(decision.keep))
    return EnrolmentReport(member_id, len(decision.keep), list(decision.rejected))
