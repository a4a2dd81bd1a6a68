"""Enrol on ``*_1`` (plus honest variants of it), identify on ``*_2``, with the real models,
the real encrypted store and the real gallery; group photos, live/spoof, strangers."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.face.enrolment import measure_samples, template_from_bytes
from drivers.face.frame_facts import frame_facts
from drivers.face.gallery import TemplateGallery
from offline_queue.face_store import open_face_store
from terminal.active_challenge import ChallengeKind
from terminal.errors import UserFacingError
from terminal.face_enrolment import consent_record, enrol_measured
from terminal.face_identification import identify
from terminal.face_policy import (GUIDE_ONE_PERSON, Decision, Liveness, MatchOutcome,
                                  passive_liveness)
from tests.unit.drivers.face.face_samples import (PEOPLE, enrolment_samples, face_settings,
                                                  photo)

pytestmark = pytest.mark.models
S = face_settings()


def enrol_member(*, engine, gallery, store, settings, member_id, phone, samples,
                 consent_given, consent_text, recorded_by):
    """The kiosk's path (``ui.services.face_enrolment``): consent, measure, decide, store."""
    consent = consent_record(member_id=member_id, consent_given=consent_given,
                             consent_text=consent_text, settings=settings,
                             recorded_by=recorded_by, now_s=1_700_000_000.0)
    return enrol_measured(measure_samples(engine, gallery, samples), gallery=gallery,
                          store=store, settings=settings, member_id=member_id, phone=phone,
                          consent=consent)


def identify_analysis(analysis, gallery, settings, **options):
    """The kiosk's path: the driver's facts, then the domain's decision."""
    return identify(frame_facts(analysis, gallery), settings, **options)


@pytest.fixture(scope="module")
def enrolled(engine, tmp_path_factory):
    """The five people enrolled once for this module."""
    folder = tmp_path_factory.mktemp("face")
    store = open_face_store(folder / "payterm.db", folder / "keys" / "face.key")
    gallery = TemplateGallery(engine.template_version)
    for number, person in enumerate(PEOPLE):
        enrol_member(engine=engine, gallery=gallery, store=store, settings=S,
                     member_id=person, phone=f"1380000{number:04d}",
                     samples=enrolment_samples(person), consent_given=True,
                     consent_text=S.consent_text, recorded_by="test")
    yield store, gallery, folder
    store.close()


@pytest.mark.parametrize("person", PEOPLE)
def test_second_photo_identifies_the_member(engine, enrolled, person):
    _, gallery, _ = enrolled
    result = identify_analysis(engine.analyze(photo(f"{person}_2")), gallery, S)
    assert result.match_outcome is MatchOutcome.MATCH
    assert result.member_id == person and result.score >= S.match_threshold
    assert result.margin >= S.match_margin
    assert result.template_version == engine.template_version


def test_gallery_rebuilt_from_the_encrypted_store_gives_the_same_answers(engine, enrolled):
    store, gallery, _ = enrolled
    rebuilt = TemplateGallery(engine.template_version)
    by_member: dict = {}
    for item in store.load_templates(engine.template_version):
        by_member.setdefault(item.member_id, []).append(template_from_bytes(item.vector))
    for member_id, vectors in by_member.items():
        rebuilt.add_member(member_id, vectors, engine.template_version)
    probe = engine.analyze(photo("rose_leslie_2")).dominant.embedding
    assert rebuilt.identify(probe) == gallery.identify(probe)
    assert store.enrolled_count() == len(PEOPLE)


@pytest.mark.parametrize("name", ["astronaut_eileen_collins", "liveness_live_1"])
def test_unenrolled_people_are_rejected(engine, enrolled, name):
    _, gallery, _ = enrolled
    result = identify_analysis(engine.analyze(photo(name)), gallery, S)
    assert result.match_outcome is MatchOutcome.NO_MATCH
    assert result.member_id is None and result.decision is Decision.REJECT


@pytest.mark.parametrize("name, faces", [("group_insightface_t1", 6),
                                         ("group_obama_biden", 2)])
def test_group_photo_has_no_dominant_face(engine, enrolled, name, faces):
    _, gallery, _ = enrolled
    analysis = engine.analyze(photo(name))
    assert analysis.faces_found == faces and analysis.dominant is None
    result = identify_analysis(analysis, gallery, S)
    assert result.decision is Decision.RETRY and result.guidance == GUIDE_ONE_PERSON
    assert result.member_id is None


def test_one_person_close_to_the_camera_dominates_a_group(engine, enrolled):
    _, gallery, _ = enrolled
    image = photo("group_obama_biden")
    analysis = engine.analyze(image)
    x1, y1, x2, y2 = (int(v) for v in analysis.boxes[0])
    # Enlarge only the first face's region (as if that person stepped forward).
    h, w = image.shape[:2]
    cx, cy = (x1 + x2) // 2, (y1 + y2) // 2
    half = int(max(x2 - x1, y2 - y1) * 1.2)
    crop = image[max(cy - half, 0):min(cy + half, h), max(cx - half, 0):min(cx + half, w)]
    closer = engine.analyze(crop)
    assert closer.dominant is not None
    result = identify_analysis(closer, gallery, S)
    assert result.member_id in ("obama", "biden")


def test_live_sample_passes_passive_liveness(engine):
    face = engine.analyze(photo("liveness_live_1")).dominant
    assert passive_liveness(face.passive_score, S) is Liveness.LIVE


def test_poster_spoof_never_pays_even_if_enrolled(engine, tmp_path):
    """Enrol the poster's face directly into a gallery (as if the person were a member):
    the poster must still be refused by liveness."""
    face = engine.analyze(photo("liveness_spoof_poster_1")).dominant
    assert passive_liveness(face.passive_score, S) is Liveness.SPOOF
    gallery = TemplateGallery(engine.template_version)
    gallery.add_member("poster_person", [face.embedding], engine.template_version)
    result = identify_analysis(engine.analyze(photo("liveness_spoof_poster_1")), gallery, S)
    assert result.liveness is Liveness.SPOOF and result.decision is Decision.REJECT
    # an active challenge cannot rescue a low passive score
    result = identify_analysis(engine.analyze(photo("liveness_spoof_poster_1")), gallery, S,
                               challenge=ChallengeKind.BLINK, challenge_passed=True)
    assert result.decision is Decision.REJECT


def test_face_of_another_member_cannot_be_enrolled_again(engine, enrolled):
    store, gallery, _ = enrolled
    with pytest.raises(UserFacingError, match="already enrolled for another member"):
        enrol_member(engine=engine, gallery=gallery, store=store, settings=S,
                     member_id="impostor", phone="13900009999",
                     samples=enrolment_samples("obama"), consent_given=True,
                     consent_text=S.consent_text, recorded_by="test")
    assert "impostor" not in {m["member_id"] for m in store.members()}


def test_enrolment_needs_consent_and_three_good_samples(engine, enrolled):
    store, gallery, _ = enrolled
    with pytest.raises(UserFacingError, match="consent"):
        enrol_member(engine=engine, gallery=gallery, store=store, settings=S,
                     member_id="newbie", phone="13900001111",
                     samples=enrolment_samples("obama"),
                     consent_given=False, consent_text=S.consent_text, recorded_by="test")
    samples = [("group", photo("group_obama_biden")), ("one", photo("astronaut_eileen_collins")),
               ("tiny", np.full((40, 40, 3), 128, np.uint8))]
    with pytest.raises(UserFacingError, match="Not enough good samples: 1 of 3") as caught:
        enrol_member(engine=engine, gallery=gallery, store=store, settings=S,
                     member_id="newbie", phone="13900001111", samples=samples,
                     consent_given=True, consent_text=S.consent_text, recorded_by="test")
    assert "group: 2 faces" in str(caught.value) and "tiny: no face" in str(caught.value)


def test_samples_of_different_people_are_refused(engine, enrolled):
    store, gallery, _ = enrolled
    mixed = [("a", photo("astronaut_eileen_collins")), ("b", photo("liveness_live_1")),
             ("c", photo("astronaut_eileen_collins"))]
    with pytest.raises(UserFacingError, match="not show the same person"):
        enrol_member(engine=engine, gallery=gallery, store=store, settings=S,
                     member_id="mixed", phone="13900002222", samples=mixed,
                     consent_given=True, consent_text=S.consent_text, recorded_by="test")


def test_two_stage_search_gives_the_brute_force_answer_on_real_photos(engine, enrolled):
    """The five real members hidden among 20,000 random templates: the shortlist +
    exact search answers every real probe exactly like the brute-force gallery."""
    store, _, _ = enrolled
    rng = np.random.default_rng(5)
    exact = TemplateGallery(engine.template_version, exact_below_rows=10**9)
    staged = TemplateGallery(engine.template_version, exact_below_rows=0, shortlist_size=512)
    noise = rng.standard_normal((20_000, 512)).astype(np.float32)
    by_member: dict = {}
    for item in store.load_templates(engine.template_version):
        by_member.setdefault(item.member_id, []).append(template_from_bytes(item.vector))
    for gallery in (exact, staged):
        for member_id, vectors in by_member.items():
            gallery.add_member(member_id, vectors, engine.template_version)
        for i in range(0, len(noise), 4):
            gallery.add_member(f"x{i}", noise[i:i + 4], engine.template_version)
    for person in PEOPLE:
        probe = engine.analyze(photo(f"{person}_2")).dominant.embedding
        want, got = exact.identify(probe), staged.identify(probe)
        assert got.member_id == want.member_id == person
        assert got.score == pytest.approx(want.score, abs=1e-6)
        assert got.second_score <= want.second_score + 1e-6
        assert got.score - got.second_score >= S.match_margin
    assert staged.stats()["two_stage"] == len(PEOPLE)
