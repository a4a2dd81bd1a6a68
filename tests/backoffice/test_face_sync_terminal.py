"""A terminal's own face store and in-memory gallery kept by the back office's delta
sync (the terminal's real FaceStore, HostClient and TemplateGallery against the real
back office, on SQLite and PostgreSQL): a member enrolled at one kiosk can be identified
at another of the store; their erasure leaves every terminal within one sync, and the
back office can show it did."""

from __future__ import annotations

import time

import numpy as np
import pytest

from backoffice.faces.reports import erasure_report
from backoffice.members.erasure import delete_member
from drivers.face.enrolment import template_from_bytes
from drivers.face.gallery import TemplateGallery
from offline_queue.face_store import open_face_store
from terminal.face_gallery_sync import apply_to_gallery, gallery_fresh, sync_gallery
from tests.backoffice.harness import TerminalIdentity, in_transaction
from tests.backoffice.test_faces import RECOGNIZER, consent, template


@pytest.fixture
def kiosk2(backoffice, terminal, key_pool, tmp_path):
    second = TerminalIdentity("T0002", "S1", key_pool[1])
    backoffice.register(second)
    store = open_face_store(tmp_path / "kiosk2.db", tmp_path / "kiosk2_face.key")
    gallery = TemplateGallery(RECOGNIZER)
    with backoffice.client(second) as host:
        yield host, store, gallery
    store.close()


def run_sync(kiosk):
    host, store, gallery = kiosk
    return sync_gallery(host, store, RECOGNIZER, time.time, on_page=lambda delta:
                        apply_to_gallery(gallery, delta, template_from_bytes, RECOGNIZER))


def test_enrolled_at_one_kiosk_identified_at_another_then_erased_everywhere(
        backoffice, terminal, client, kiosk2, tmp_path):
    _, store, gallery = kiosk2
    blobs = [template(11), template(12), template(13)]
    client.face_enrol("M001", RECOGNIZER, blobs, consent())
    outcome = run_sync(kiosk2)
    assert (outcome.version, outcome.added, outcome.removed) == (1, 1, 0)
    assert sorted(t.vector for t in store.load_templates(RECOGNIZER)) == sorted(blobs)
    assert store.enrolled_count() == 1 and gallery.member_count() == 1
    probe = template_from_bytes(blobs[0]) + np.float32(0.01)
    assert gallery.identify(probe / np.linalg.norm(probe)).member_id == "M001"
    assert run_sync(kiosk2).pages == 1                  # nothing new: one quiet ask

    erased_at = time.time()
    in_transaction(backoffice.engine, lambda conn, now: delete_member(conn, "M001", now,
                                                                      pay_out_balance=True))
    outcome = run_sync(kiosk2)                          # the kiosk's next periodic sync
    assert outcome.removed == 1 and outcome.version == 2
    assert store.load_templates() == [] and gallery.member_count() == 0
    assert store.deletions("M001")[0]["reason"].startswith("erased at the back office")
    assert store.gallery_state()[1] >= erased_at
    with backoffice.engine.connect() as conn:
        report = erasure_report(conn, "M001")
    reached = {t["terminal_id"]: t["reached"] for t in report["terminals"]}
    assert reached == {"T0001": False, "T0002": True}   # T0001 has not synced since
    sync_gallery(client, open_face_store(tmp_path / "k1.db", tmp_path / "k1.key"),
                 RECOGNIZER, time.time)
    with backoffice.engine.connect() as conn:
        assert erasure_report(conn, "M001")["reached_every_terminal"]
    raw = (tmp_path / "kiosk2.db").read_bytes()
    assert not any(blob[:32] in raw for blob in blobs)


def test_a_restored_back_office_makes_the_kiosk_start_over(backoffice, terminal, client,
                                                           kiosk2):
    _, store, _ = kiosk2
    client.face_enrol("M001", RECOGNIZER, [template(1)], consent())
    run_sync(kiosk2)
    store._db.execute("UPDATE face_gallery_state SET version = 50")   # the kiosk is ahead
    outcome = run_sync(kiosk2)
    assert outcome.version == 1 and store.enrolled_count() == 1


def test_a_kiosk_that_cannot_sync_stops_trusting_its_gallery():
    assert gallery_fresh(1000.0, 1000.0 + 600, max_age_s=900)
    assert not gallery_fresh(1000.0, 1000.0 + 901, max_age_s=900)
    assert not gallery_fresh(None, 1000.0, max_age_s=900)
    assert not gallery_fresh(2000.0, 1000.0, max_age_s=900)    # clock went back: re-sync
