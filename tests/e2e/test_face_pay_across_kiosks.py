"""Real models on real photos, end to end through the back office: a member enrolled at
kiosk 1 (the kiosk's enrolment path, sent with the consent record to the back office)
is identified at kiosk 2 from another photo after kiosk 2's gallery sync; after the
member's deletion at the back office, kiosk 2's next sync makes the same photo match
nobody."""

from __future__ import annotations

import time

import pytest

from drivers.face.enrolment import template_from_bytes
from drivers.face.frame_facts import frame_facts
from drivers.face.gallery import TemplateGallery
from backoffice.members.erasure import delete_member
from offline_queue.face_store import open_face_store
from terminal.errors import UserFacingError
from terminal.face_gallery_sync import apply_to_gallery, sync_gallery
from terminal.face_identification import identify
from terminal.face_policy import MatchOutcome
from tests.backoffice.harness import TerminalIdentity, in_transaction
from tests.unit.drivers.face.face_samples import (enrolment_samples, face_settings, photo,
                                                  shared_engine)
from ui.services.backoffice_enrolment import BackOfficeEnrolmentStore
from ui.services.face_enrolment import enrol_member

pytestmark = pytest.mark.models
S = face_settings()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_enrolled_at_one_kiosk_pays_at_another_until_deleted(backoffice, terminal, client,
                                                             key_pool, tmp_path):
    engine = shared_engine()
    version = engine.template_version
    kiosk1 = BackOfficeEnrolmentStore(open_face_store(tmp_path / "k1.db", tmp_path / "k1.key"),
                                      client)
    report = enrol_member(engine=engine, gallery=TemplateGallery(version), store=kiosk1,
                          settings=S, member_id="M001", phone="13800001234",
                          samples=enrolment_samples("biden"), consent_given=True,
                          consent_text=S.consent_text, recorded_by="staff:li", name="王小明")
    assert report.templates_stored >= 3
    assert kiosk1.contact("M001") == ("王小明", "13800001234")  # the name stays at this kiosk
    with pytest.raises(UserFacingError, match="back office refused"):
        enrol_member(engine=engine, gallery=TemplateGallery(version), store=kiosk1,
                     settings=S, member_id="NOSUCH", phone="13800001234",
                     samples=enrolment_samples("obama"), consent_given=True,
                     consent_text=S.consent_text, recorded_by="staff:li")
    assert kiosk1.enrolled_count() == 1                    # nothing stored for the refusal

    second = TerminalIdentity("T0002", "S1", key_pool[1])
    backoffice.register(second)
    store2 = open_face_store(tmp_path / "k2.db", tmp_path / "k2.key")
    gallery2 = TemplateGallery(version)
    probe = engine.analyze(photo("biden_2"))

    def kiosk2_sync(host):
        return sync_gallery(host, store2, version, time.time, on_page=lambda d:
                            apply_to_gallery(gallery2, d, template_from_bytes, version))

    with backoffice.client(second) as host2:
        kiosk2_sync(host2)
        result = identify(frame_facts(probe, gallery2), S)
        assert result.match_outcome is MatchOutcome.MATCH and result.member_id == "M001"
        in_transaction(backoffice.engine, lambda conn, now: delete_member(
            conn, "M001", now, pay_out_balance=True))
        kiosk2_sync(host2)
        result = identify(frame_facts(probe, gallery2), S)
        assert result.member_id != "M001" and result.match_outcome is not MatchOutcome.MATCH
    assert store2.load_templates() == []
