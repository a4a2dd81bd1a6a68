"""Member faces at the back office, through the terminal's real HostClient, on SQLite
and PostgreSQL: enrolment with its consent record, templates encrypted at rest, the
store's gallery by versioned delta sync, erasure that reaches every terminal and can be
shown, and the refusals."""

from __future__ import annotations

import os

import numpy as np
import pytest
import sqlalchemy as sa

from backoffice.faces.gallery import gallery_delta
from backoffice.faces.reports import erasure_report, filing_status, member_face_summary
from backoffice.faces.template_key import TemplateCipher, TemplateKeyError
from backoffice.members.erasure import delete_member
from backoffice.storage.schema_faces import face_consents, face_templates
from drivers.host.wire import METHOD_FACE_ENROL, METHOD_FACE_SYNC
from terminal.errors import HostRejected
from terminal.face_gallery_sync import ChangeAction
from terminal.ports.face import ConsentRecord
from tests.backoffice.harness import InProcessBackoffice, TerminalIdentity, in_transaction

RECOGNIZER = "w600k_r50-v1"


def template(seed: int) -> bytes:
    vector = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    return (vector / np.linalg.norm(vector)).astype(np.float32).tobytes()


def consent(member_id: str = "M001") -> ConsentRecord:
    return ConsentRecord(member_id=member_id, given_at=1_767_225_600.0,
                         consent_text="我同意刷脸支付… I agree to face-pay…",
                         consent_version="2026-01", recorded_by="staff:li")


@pytest.fixture
def store_terminals(backoffice, terminal, key_pool):
    """T0002 in S1 beside T0001; T0003 in another store S2 with member M900."""
    second = TerminalIdentity("T0002", "S1", key_pool[1])
    other = TerminalIdentity("T0003", "S2", key_pool[2])
    backoffice.register(second)
    backoffice.register(other)
    backoffice.add_member("M900", 0, store_id="S2")
    return second, other


def sync_all(client, since: int = 0):
    """Every page from ``since``: (final version, {member: templates or None})."""
    state: dict[str, tuple | None] = {}
    while True:
        delta = client.face_sync(since, RECOGNIZER)
        for change in delta.changes:
            state[change.member_id] = (change.templates if change.action is ChangeAction.ADD
                                       else None)
        since = delta.gallery_version
        if not delta.more:
            return since, state


def test_enrolled_at_one_kiosk_pays_at_every_kiosk_of_the_store(backoffice, terminal,
                                                                store_terminals, client):
    second, other = store_terminals
    templates = [template(1), template(2), template(3)]
    enrolled = client.face_enrol("M001", RECOGNIZER, templates, consent())
    assert enrolled.templates_stored == 3 and enrolled.gallery_version == 1
    with backoffice.client(second) as kiosk2:
        version, state = sync_all(kiosk2)
    assert version == 1 and state == {"M001": tuple(templates)}
    with backoffice.client(other) as elsewhere:
        assert sync_all(elsewhere) == (0, {})           # another store's terminal: nothing
    with backoffice.engine.connect() as conn:
        summary = member_face_summary(conn, "M001")
        row = conn.execute(sa.select(face_consents)).mappings().one()
    assert summary["enrolled"] and summary["templates"] == 3
    assert (row["consent_version"], row["terminal_id"], row["recorded_by"]) == \
        ("2026-01", "T0001", "staff:li")
    assert row["given_at"] == 1_767_225_600.0


def test_templates_are_encrypted_at_rest_with_the_operators_key(backoffice, terminal, client,
                                                                face_cipher):
    blob = template(7)
    client.face_enrol("M001", RECOGNIZER, [blob], consent())
    with backoffice.engine.connect() as conn:
        row = conn.execute(sa.select(face_templates)).mappings().one()
    stored = bytes(row["vector_enc"])
    assert blob not in stored and blob[:64] not in stored
    assert face_cipher.decrypt(stored, "M001", "S1", row["key_id"]) == blob
    wrong = TemplateCipher(os.urandom(32))
    with pytest.raises(TemplateKeyError, match="encrypted with key"):
        wrong.decrypt(stored, "M001", "S1", row["key_id"])
    with pytest.raises(TemplateKeyError, match="does not open"):   # moved to another member
        face_cipher.decrypt(stored, "M002", "S1", row["key_id"])


def test_resent_enrolment_answers_the_first_and_a_second_one_is_refused(backoffice, terminal,
                                                                        client):
    first = client.face_enrol("M001", RECOGNIZER, [template(1), template(2)], consent())
    again = client.face_enrol("M001", RECOGNIZER, [template(2), template(1)], consent())
    assert again == first
    with pytest.raises(HostRejected) as refused:
        client.face_enrol("M001", RECOGNIZER, [template(9)], consent())
    assert refused.value.sub_code == "PAYTERM.FACE_ALREADY_ENROLLED"
    with backoffice.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(face_templates)
                            ).scalar_one() == 2


def test_members_of_other_stores_unknown_and_erased_members_cannot_enrol(
        backoffice, terminal, store_terminals, client):
    for member_id in ("M900", "NOSUCH"):
        with pytest.raises(HostRejected) as refused:
            client.face_enrol(member_id, RECOGNIZER, [template(1)], consent(member_id))
        assert refused.value.sub_code == "PAYTERM.MEMBER_NOT_FOUND"
    in_transaction(backoffice.engine, lambda conn, now: delete_member(conn, "M002", now,
                                                                      pay_out_balance=True))
    with pytest.raises(HostRejected) as refused:
        client.face_enrol("M002", RECOGNIZER, [template(1)], consent("M002"))
    assert refused.value.sub_code == "PAYTERM.MEMBER_NOT_FOUND"


def test_deletion_reaches_every_terminal_and_the_erasure_can_be_shown(
        backoffice, terminal, store_terminals, client):
    second, _ = store_terminals
    client.face_enrol("M001", RECOGNIZER, [template(1)], consent())
    client.face_enrol("M002", RECOGNIZER, [template(2)], consent("M002"))
    with backoffice.client(second) as kiosk2:
        v2, state2 = sync_all(kiosk2)
        v1, state1 = sync_all(client)
        assert set(state1) == set(state2) == {"M001", "M002"}
        result = in_transaction(backoffice.engine, lambda conn, now: delete_member(
            conn, "M001", now, pay_out_balance=True))
        assert result["face_templates"] == 1 and result["gallery_version"] == 3
        with backoffice.engine.connect() as conn:
            report = erasure_report(conn, "M001")
        assert report["templates_left"] == 0 and not report["reached_every_terminal"]
        assert {t["terminal_id"]: t["reached"] for t in report["terminals"]} == \
            {"T0001": False, "T0002": False}
        # Each terminal's next sync: M001 removed, M002 untouched.
        for kiosk, since in ((client, v1), (kiosk2, v2)):
            version, delta = sync_all(kiosk, since)
            assert version == 3 and delta == {"M001": None}
            kiosk.face_sync(version, RECOGNIZER)      # asking "since 3" is the receipt
    with backoffice.engine.connect() as conn:
        report = erasure_report(conn, "M001")
        assert report["reached_every_terminal"] and report["erased"]
        assert report["what"]["face_templates"] == 1
        row = conn.execute(sa.select(face_consents.c.withdrawn_at)
                           .where(face_consents.c.member_id == "M001")).one()
        assert row[0] is not None                      # the consent record stays, withdrawn
        assert filing_status(conn)["enrolled_people"] == 1


def test_delta_pages_and_a_restored_database_makes_terminals_start_over(backoffice, terminal,
                                                                       client, face_cipher):
    for n in range(5):
        backoffice.add_member(f"P{n}", 0)
        client.face_enrol(f"P{n}", RECOGNIZER, [template(n)], consent(f"P{n}"))
    with backoffice.engine.connect() as conn:
        first = gallery_delta(conn, face_cipher, "S1", 0, RECOGNIZER, page=2)
        assert [c["member_id"] for c in first["changes"]] == ["P0", "P1"]
        assert first["more"] == "Y" and first["gallery_version"] == 2
        other_recognizer = gallery_delta(conn, face_cipher, "S1", 0, "another-model")
        assert {c["action"] for c in other_recognizer["changes"]} == {"remove"}
        assert other_recognizer["stale_templates"] == 5
    delta = client.face_sync(99, RECOGNIZER)          # ahead of the back office
    assert delta.reset and delta.gallery_version == 5 and len(delta.changes) == 5


def test_face_methods_refuse_bad_input_naming_the_field(backoffice, terminal, raw):
    base = {"terminal_id": "T0001", "member_id": "M001", "template_version": RECOGNIZER,
            "templates": [__import__("base64").b64encode(template(1)).decode()]}
    cases = [({}, "consent"), ({"templates": []}, "templates"),
             ({"templates": ["not base64!"]}, "templates"),
             ({"templates": base["templates"] * 11}, "templates"),
             ({"consent": {"version": "v1", "text": "", "given_at": 1.0,
                           "recorded_by": "x"}}, "consent.text"),
             ({"consent": {"version": "v1", "text": "ok", "given_at": -5,
                           "recorded_by": "x"}}, "consent.given_at")]
    for change, field_name in cases:
        answer = raw.call(METHOD_FACE_ENROL, {**base, **change}, terminal.private_key)
        assert answer["code"] == "40002" and field_name in answer["sub_msg"], answer
        assert answer["member_id"] == "M001" and answer["terminal_id"] == "T0001"
    for since in (-1, "3", True, 1.5):
        answer = raw.call(METHOD_FACE_SYNC, {"terminal_id": "T0001", "since_version": since,
                                             "template_version": RECOGNIZER},
                          terminal.private_key)
        assert answer["code"] == "40002" and "since_version" in answer["sub_msg"]


def test_without_the_operators_key_faces_are_refused_clearly(database_url, bo_settings, bo_key,
                                                            key_pool):
    server = InProcessBackoffice(database_url, bo_settings, bo_key)
    try:
        term = TerminalIdentity("T0001", "S1", key_pool[0])
        server.register(term)
        server.add_member("M001", 0)
        with server.client(term) as client:
            for call in (lambda: client.face_enrol("M001", RECOGNIZER, [template(1)],
                                                   consent()),
                         lambda: client.face_sync(0, RECOGNIZER)):
                with pytest.raises(HostRejected) as refused:
                    call()
                assert refused.value.sub_code == "PAYTERM.FACE_NOT_CONFIGURED"
    finally:
        server.stop()
