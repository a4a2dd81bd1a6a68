"""Enrolment rules: consent, live sample capture, and the decision on measured samples."""

from __future__ import annotations

import dataclasses

import pytest

from terminal.errors import UserFacingError
from terminal.face_enrolment import (CONSENT_TEXT_CHANGED, FACE_OF_ANOTHER_MEMBER, NO_CONSENT,
                                     NOT_SAME_PERSON, EnrolmentCapture, SampleFacts,
                                     consent_record, decide_enrolment, wanted_samples)
from terminal.ports.face import GalleryMatch
from terminal.settings.face_section import FaceSettings
from tests.unit.terminal.face.facts import GOOD

S = FaceSettings(min_enrol_samples=3, max_templates_per_member=2, match_threshold=0.4,
                 duplicate_threshold=0.4)


def sample(label: str, *, sharpness: float = 500.0, passive: float = 0.95,
           match: GalleryMatch | None = None, faces: int = 1) -> SampleFacts:
    return SampleFacts(label, faces, dataclasses.replace(GOOD, sharpness=sharpness), passive,
                       match or GalleryMatch(None, -1.0, -1.0, "v1"))


def same_person(n: int, value: float = 0.8) -> list[list[float]]:
    return [[1.0 if i == j else value for j in range(n)] for i in range(n)]


def test_consent_is_required_and_must_be_the_configured_text():
    with pytest.raises(UserFacingError) as refused:
        consent_record(member_id="m1", consent_given=False, consent_text=S.consent_text,
                       settings=S, recorded_by="t", now_s=5.0)
    assert refused.value.user_message == NO_CONSENT
    with pytest.raises(UserFacingError) as changed:
        consent_record(member_id="m1", consent_given=True, consent_text="another text",
                       settings=S, recorded_by="t", now_s=5.0)
    assert changed.value.user_message == CONSENT_TEXT_CHANGED
    record = consent_record(member_id="m1", consent_given=True, consent_text=S.consent_text,
                            settings=S, recorded_by="kiosk-1", now_s=5.0)
    assert (record.consent_text, record.consent_version, record.recorded_by, record.given_at) \
        == (S.consent_text, S.consent_version, "kiosk-1", 5.0)


def test_live_capture_takes_every_third_frame_with_a_face():
    capture = EnrolmentCapture(wanted=2)
    taken = [capture.take(face_found) for face_found in
             (True, True, True, False, False, False, True, True, True, True)]
    # frames 3 and 9 carry a face on the third beat (frame 6 had none)
    assert taken == [False, False, True, False, False, False, False, False, True, False]
    assert capture.complete and capture.captured == 2


def test_wanted_samples_never_below_the_minimum():
    assert wanted_samples(S, kiosk_samples=1) == 3 and wanted_samples(S, kiosk_samples=5) == 5


def test_sharpest_good_samples_are_kept_up_to_the_limit():
    samples = [sample("a", sharpness=100), sample("b", sharpness=900), sample("c", sharpness=500),
               SampleFacts("d", 0)]
    decision = decide_enrolment(samples, same_person(4), member_id="m1", settings=S)
    assert decision.keep == (1, 2) and decision.rejected == (("d", "no face"),)


def test_bad_samples_are_named_when_too_few_remain():
    samples = [sample("ok"), SampleFacts("group", 2), sample("blurry", sharpness=1),
               sample("poster", passive=0.1)]
    with pytest.raises(UserFacingError) as refused:
        decide_enrolment(samples, same_person(4), member_id="m1", settings=S)
    text = str(refused.value)
    assert "Not enough good samples: 1 of 3" in text
    assert "group: 2 faces, none dominant" in text and "blurry: quality: blurry" in text
    assert "poster: not a live face" in text


def test_every_pair_must_be_the_same_person():
    similarity = same_person(3)
    similarity[0][2] = similarity[2][0] = 0.39
    with pytest.raises(UserFacingError) as refused:
        decide_enrolment([sample("a"), sample("b"), sample("c")], similarity, member_id="m1",
                         settings=S)
    assert refused.value.user_message == NOT_SAME_PERSON


def test_a_face_of_another_member_is_refused_without_naming_them():
    other = GalleryMatch("someone-else", 0.45, 0.1, "v1")
    with pytest.raises(UserFacingError) as refused:
        decide_enrolment([sample("a"), sample("b", match=other), sample("c")], same_person(3),
                         member_id="m1", settings=S)
    assert refused.value.user_message == FACE_OF_ANOTHER_MEMBER
    assert "someone-else" not in str(refused.value)
    # Re-enrolling the same member, or a weak resemblance, is fine.
    itself = GalleryMatch("m1", 0.9, 0.1, "v1")
    weak = GalleryMatch("someone-else", 0.39, 0.1, "v1")
    decision = decide_enrolment([sample("a", match=itself), sample("b", match=weak), sample("c")],
                                same_person(3), member_id="m1", settings=S)
    assert len(decision.keep) == 2
