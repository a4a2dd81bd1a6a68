"""The kiosk's gallery sync worker against the real back office: a member enrolled at
another kiosk appears in this kiosk's gallery within one interval, their erasure leaves
it within one interval; face-pay stops when the gallery is too old
(``face.gallery_max_age_s``) and comes back with the next sync."""

from __future__ import annotations

import dataclasses
import time
from types import SimpleNamespace

import pytest

from backoffice.members.erasure import delete_member
from drivers.face.enrolment import template_from_bytes
from drivers.face.gallery import TemplateGallery
from offline_queue.face_store import open_face_store
from terminal.settings.model import Settings
from tests.backoffice.harness import TerminalIdentity, in_transaction
from tests.backoffice.test_faces import RECOGNIZER, consent, template
from ui.services.face_gallery_worker import GallerySyncWorker
from ui.services.face_service import GALLERY_STALE, FaceService

INTERVAL_S = 0.3


def wait_for(condition, deadline_s: float = 10.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < deadline_s, "not within the deadline"
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture
def kiosk(backoffice, terminal, key_pool, tmp_path):
    second = TerminalIdentity("T0002", "S1", key_pool[1])
    backoffice.register(second)
    gallery = TemplateGallery(RECOGNIZER)
    with backoffice.client(second) as host:
        worker = GallerySyncWorker(
            host, lambda: open_face_store(tmp_path / "k.db", tmp_path / "k.key"), gallery,
            RECOGNIZER, template_from_bytes, INTERVAL_S)
        worker.start()
        yield worker, gallery
        assert worker.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_enrolment_and_erasure_reach_the_kiosk_within_one_interval(backoffice, client, kiosk):
    worker, gallery = kiosk
    wait_for(lambda: worker.last_synced_at is not None)
    client.face_enrol("M001", RECOGNIZER, [template(1), template(2)], consent())
    assert wait_for(lambda: gallery.member_count() == 1) < INTERVAL_S + 2
    in_transaction(backoffice.engine, lambda conn, now: delete_member(conn, "M001", now,
                                                                      pay_out_balance=True))
    assert wait_for(lambda: gallery.member_count() == 0) < INTERVAL_S + 2
    assert worker.last_error == ""


def test_a_stale_gallery_stops_face_pay_and_a_sync_brings_it_back(tmp_path):
    settings = Settings()
    settings = dataclasses.replace(settings, face=dataclasses.replace(
        settings.face, gallery_max_age_s=0.5))
    gallery = TemplateGallery(RECOGNIZER)
    gallery.add_member("M001", [template_from_bytes(template(1))], RECOGNIZER)
    syncs = SimpleNamespace(last_synced_at=None, start=lambda: None, stop=lambda t: True)
    service = FaceService(
        SimpleNamespace(face_ready_changed=SimpleNamespace(emit=lambda *_: None)), settings,
        lambda: (SimpleNamespace(template_version=RECOGNIZER), gallery),
        camera=SimpleNamespace(), store_factory=lambda: None,
        gallery_sync_factory=lambda g, v: syncs)
    service.begin_loading()
    try:
        assert service.wait_loaded(10)
        assert service.capability().reason == GALLERY_STALE      # never synced
        syncs.last_synced_at = time.time()
        assert service.capability().available
        time.sleep(0.6)
        assert service.capability().reason == GALLERY_STALE      # too long ago
    finally:
        service.stop()
