"""The face store on a real SQLite file: consent, encryption at rest, deletion records."""

from __future__ import annotations

import os

import numpy as np
import pytest

from offline_queue.face_store import enrolled_people_count, open_face_store
from terminal.errors import UserFacingError
from terminal.ports.face import ConsentRecord


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "payterm.db", tmp_path / "keys" / "face.key"


def template(seed: int) -> bytes:
    return np.random.default_rng(seed).standard_normal(512).astype("<f4").tobytes()


def consent(member_id: str) -> ConsentRecord:
    return ConsentRecord(member_id, 1_700_000_000.0, "consent text v1", "2025-1", "cli:T1")


def test_enrol_stores_consent_and_encrypted_templates(paths):
    database, key = paths
    store = open_face_store(database, key)
    blobs = [template(1), template(2), template(3)]
    store.enrol("m1", "138-0000-1234", blobs, "w600k:abc", consent("m1"))
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    assert store.enrolled_count() == 1 and store.phone_last4("m1") == "1234"
    assert [t.vector for t in store.load_templates("w600k:abc")] == blobs
    assert store.load_templates("other") == [] and store.stale_template_count("other") == 3
    assert store.consents("m1") == [{"given_at": 1_700_000_000.0, "consent_text":
                                     "consent text v1", "consent_version": "2025-1",
                                     "recorded_by": "cli:T1"}]
    store.close()
    raw = database.read_bytes() + (database.with_suffix(".db-wal").read_bytes()
                                   if database.with_suffix(".db-wal").exists() else b"")
    for blob in blobs:
        assert blob[:64] not in raw          # templates are not in the file in clear
    assert b"13800001234" not in raw


def test_a_second_store_with_another_key_cannot_read_templates(paths, tmp_path):
    database, key = paths
    store = open_face_store(database, key)
    store.enrol("m1", "13800001234", [template(1)], "v", consent("m1"))
    store.close()
    other = open_face_store(database, tmp_path / "other.key")
    with pytest.raises(Exception, match="does not match the key"):
        other.load_templates()
    other.close()


def test_delete_erases_templates_and_records_it(paths):
    database, key = paths
    store = open_face_store(database, key)
    store.enrol("m1", "13800001234", [template(1), template(2)], "v", consent("m1"))
    store.enrol("m2", "13900005678", [template(3)], "v", consent("m2"))
    assert store.delete_member("m1", "member request") == 2
    assert store.load_templates() and all(t.member_id == "m2" for t in store.load_templates())
    assert store.phone_last4("m1") is None and store.enrolled_count() == 1
    assert store.deletions("m1")[0]["templates_erased"] == 2
    assert store.consents("m1")                    # the consent record stays as proof
    with pytest.raises(UserFacingError, match="no face enrolment"):
        store.delete_member("m1", "again")
    # a deleted member can enrol again with a new consent record
    store.enrol("m1", "13800001234", [template(4)], "v", consent("m1"))
    assert len(store.consents("m1")) == 2 and store.enrolled_count() == 2
    rows = {m["member_id"]: m for m in store.members()}
    assert rows["m1"]["status"] == "active" and rows["m1"]["templates"] == 1
    store.close()
    assert enrolled_people_count(database) == 2


def test_refusals_leave_nothing_behind(paths):
    database, key = paths
    store = open_face_store(database, key)
    store.enrol("m1", "13800001234", [template(1)], "v", consent("m1"))
    with pytest.raises(UserFacingError, match="already enrolled"):
        store.enrol("m1", "13800001234", [template(2)], "v", consent("m1"))
    with pytest.raises(UserFacingError, match="phone"):
        store.enrol("m2", "12ab", [template(2)], "v", consent("m2"))
    with pytest.raises(UserFacingError, match="member ID"):
        store.enrol("bad id!", "13800001234", [template(2)], "v", consent("x"))
    assert len(store.load_templates()) == 1 and len(store.consents("m1")) == 1
    assert store.consents("m2") == []


def test_member_name_is_kept_encrypted_shown_masked_and_erased(paths):
    database, key = paths
    store = open_face_store(database, key)
    store.enrol("m1", "13800000100", [template(1)], "v", consent("m1"), name="王小明")
    store.enrol("m2", "13900005678", [template(2)], "v", consent("m2"))
    assert store.contact("m1") == ("王小明", "13800000100")
    assert store.contact("m2") == ("", "13900005678")       # the name is optional
    with pytest.raises(UserFacingError, match="member name"):
        store.enrol("m3", "13900005678", [template(3)], "v", consent("m3"), name="a\x00b")
    store.close()
    raw = database.read_bytes() + (database.with_suffix(".db-wal").read_bytes()
                                   if database.with_suffix(".db-wal").exists() else b"")
    assert "王小明".encode() not in raw
    store = open_face_store(database, key)
    store.delete_member("m1", "member request")
    assert store.contact("m1") is None
    name_enc = store._db.execute("SELECT name_enc FROM face_members WHERE member_id = 'm1'"
                                 ).fetchone()[0]
    assert name_enc is None
    store.close()
