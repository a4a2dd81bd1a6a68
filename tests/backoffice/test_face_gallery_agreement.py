"""The simulator and the real back office answer the face gallery's methods alike: the
same story of enrolments, refusals, syncs and an erasure, told through the terminal's
real HostClient and FaceStore, gives the same observable results on both."""

from __future__ import annotations

import time

import httpx
import pytest

from offline_queue.face_store import open_face_store
from terminal.errors import HostRejected
from terminal.face_gallery_sync import sync_gallery
from tests.backoffice.harness import in_transaction
from tests.backoffice.test_faces import RECOGNIZER, consent, template
from tests.contract.host.conftest import make_client, sim, sim_config  # noqa: F401


def gallery_story(client, erase, store) -> list:
    seen: list = []

    def attempt(call):
        try:
            result = call()
        except HostRejected as exc:
            return ("refused", exc.sub_code)
        return result

    first = client.face_enrol("M001", RECOGNIZER, [template(1), template(2)], consent())
    seen.append((first.gallery_version, first.templates_stored))
    seen.append(attempt(lambda: client.face_enrol("M001", RECOGNIZER,
                                                  [template(2), template(1)], consent())))
    seen.append(attempt(lambda: client.face_enrol("M001", RECOGNIZER, [template(3)],
                                                  consent())))
    seen.append(attempt(lambda: client.face_enrol("NOSUCH", RECOGNIZER, [template(4)],
                                                  consent("NOSUCH"))))
    outcome = sync_gallery(client, store, RECOGNIZER, time.time)
    seen.append((outcome.version, outcome.added, outcome.removed, store.enrolled_count()))
    erase("M001")
    outcome = sync_gallery(client, store, RECOGNIZER, time.time)
    seen.append((outcome.version, outcome.added, outcome.removed, store.enrolled_count()))
    ahead = client.face_sync(99, RECOGNIZER)
    seen.append((ahead.reset, ahead.gallery_version, [c.action.value for c in ahead.changes]))
    return seen


EXPECTED = [(1, 2), ("refused", "PAYTERM.FACE_ALREADY_ENROLLED"),
            ("refused", "PAYTERM.FACE_ALREADY_ENROLLED"), ("refused", "PAYTERM.MEMBER_NOT_FOUND"),
            (1, 1, 0, 1), (2, 0, 1, 0), (True, 2, ["remove"])]


def test_the_simulator_tells_the_story(sim, keys_dir, tmp_path):  # noqa: F811
    admin = sim.url.replace("/gateway.do", "")

    def erase(member_id: str) -> None:
        answer = httpx.post(f"{admin}/sim/faces/erase", json={"member_id": member_id},
                            trust_env=False)
        assert answer.status_code == 200, answer.text

    store = open_face_store(tmp_path / "t.db", tmp_path / "t.key")
    with make_client(sim, keys_dir) as client:
        story = gallery_story(client, erase, store)
    store.close()
    # The repeat of the identical enrolment answers the first one.
    assert story[1].gallery_version == 1 and story[1].templates_stored == 2
    assert [story[0]] + story[2:] == [EXPECTED[0]] + EXPECTED[2:]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_back_office_tells_the_same_story(backoffice, terminal, tmp_path):
    from backoffice.members.erasure import delete_member

    def erase(member_id: str) -> None:
        in_transaction(backoffice.engine, lambda conn, now: delete_member(
            conn, member_id, now, pay_out_balance=True))

    store = open_face_store(tmp_path / "t.db", tmp_path / "t.key")
    with backoffice.client(terminal) as client:
        story = gallery_story(client, erase, store)
    store.close()
    assert story[1].gallery_version == 1 and story[1].templates_stored == 2
    assert [story[0]] + story[2:] == [EXPECTED[0]] + EXPECTED[2:]
