"""``payterm-backoffice faces key|status|erasure``, ``member show`` with the face, and
``manager add-user|list|passwd|disable``, on both databases."""

from __future__ import annotations

import io
import json
import stat

from backoffice.faces.template_key import TemplateCipher, load_template_cipher
from backoffice.settings import BackofficeSettings
from tests.backoffice.harness import InProcessBackoffice, TerminalIdentity
from tests.backoffice.test_cli import cli  # noqa: F401  (fixture)
from tests.backoffice.test_faces import RECOGNIZER, consent, template


def test_the_face_key_is_made_once_imported_never_overwritten(cli, tmp_path):  # noqa: F811
    code, out, _ = cli("faces", "key", "--json")
    assert code == 0 and json.loads(out)["present"] is False
    code, out, _ = cli("faces", "key", "--create", "--json")
    made = json.loads(out)
    key_file = cli.data_dir / "keys" / "face_templates.key"
    assert made["present"] and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cli("faces", "key", "--create")[0] == 3                      # never overwritten
    assert json.loads(cli("faces", "key", "--json")[1])["key_id"] == made["key_id"]
    own = tmp_path / "own.key"
    own.write_bytes(bytes(range(32)))
    key_file.unlink()
    code, out, _ = cli("faces", "key", "--import", str(own), "--json")
    assert json.loads(out)["key_id"] == TemplateCipher(bytes(range(32))).key_id
    bad = tmp_path / "bad.key"
    bad.write_text("too short")
    key_file.unlink()
    code, _, err = cli("faces", "key", "--import", str(bad))
    assert code == 3 and "32-byte" in err


def test_status_erasure_and_member_show(cli, database_url, bo_key, key_pool):  # noqa: F811
    assert cli("faces", "key", "--create")[0] == 0
    cipher = load_template_cipher(cli.data_dir / "keys" / "face_templates.key")
    assert cli("member", "add", "--id", "M1", "--phone", "13800001234", "--store", "S1")[0] == 0
    server = InProcessBackoffice(database_url, BackofficeSettings(), bo_key, face_cipher=cipher)
    try:
        term = TerminalIdentity("T0001", "S1", key_pool[0])
        server.register(term)
        with server.client(term) as client:
            client.face_enrol("M1", RECOGNIZER, [template(1)], consent("M1"))
            shown = json.loads(cli("member", "show", "M1", "--json")[1])
            assert shown["face"]["enrolled"] and shown["face"]["consent_recorded_by"] == \
                "staff:li"
            status = json.loads(cli("faces", "status", "--json")[1])
            assert status["enrolled_people"] == 1 and status["filing_threshold"] == 100_000
            assert status["terminals"][0]["applied_version"] is None
            assert cli("member", "delete", "M1", "--force")[0] == 0
            report = json.loads(cli("faces", "erasure", "M1", "--json")[1])
            assert report["templates_left"] == 0 and not report["reached_every_terminal"]
            client.face_sync(2, RECOGNIZER)
            report = json.loads(cli("faces", "erasure", "M1", "--json")[1])
            assert report["reached_every_terminal"]
    finally:
        server.stop()


def test_manager_logins_take_passwords_from_stdin_only(cli, monkeypatch):  # noqa: F811
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = cli("manager", "add-user", "--username", "li")
    assert code == 3 and "10-256" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("a good password 1\n"))
    assert cli("manager", "add-user", "--username", "li")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a good password 1\n"))
    assert cli("manager", "add-user", "--username", "wang", "--store", "NOPE")[0] == 5
    users = json.loads(cli("manager", "list", "--json")[1])["users"]
    assert [u["username"] for u in users] == ["li"] and "password" not in json.dumps(users)
    assert cli("manager", "disable", "li")[0] == 0
    assert cli("manager", "disable", "nobody")[0] == 5

