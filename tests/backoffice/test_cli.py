"""The operator's command line, exactly as issue 14 spells it, on both databases."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from backoffice.cli.main import main
from backoffice.settings import BackofficeSettings
from backoffice.storage.migrate import head_revision
from terminal.host_messages import MemberPayRequest
from tests.backoffice.harness import REPO, InProcessBackoffice, TerminalIdentity


@pytest.fixture
def cli(database_url, tmp_path, capsys, monkeypatch):
    data_dir = tmp_path / "bo-data"
    monkeypatch.setenv("PAYTERM_BACKOFFICE_DATA_DIR", str(data_dir))

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--database", database_url])
        out, err = capsys.readouterr()
        return code, out, err

    run.data_dir = data_dir  # type: ignore[attr-defined]
    return run


def test_keys_show_makes_the_pair_once(cli):
    code, out, _ = cli("keys", "show", "--json")
    first = json.loads(out)
    assert code == 0 and first["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    private = cli.data_dir / "keys" / "backoffice_private.pem"
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert json.loads(cli("keys", "show", "--json")[1])["public_key_sha256"] == \
        first["public_key_sha256"]


def test_terminal_commands(cli, key_pool, tmp_path):
    pem = tmp_path / "t1.pem"
    pem.write_bytes(TerminalIdentity("T0001", "S1", key_pool[0]).public_pem)
    code, out, _ = cli("terminal", "add", "--id", "T0001", "--public-key", str(pem),
                       "--store", "S1", "--json")
    assert code == 0 and json.loads(out)["status"] == "active"
    code, _, err = cli("terminal", "add", "--id", "T0002", "--public-key", str(pem),
                       "--store", "S1")
    assert code == 1 and "T0001" in err                    # the same key twice
    code, _, err = cli("terminal", "add", "--id", "T-01!", "--public-key", str(pem),
                       "--store", "S1")
    assert code == 3 and "--id" in err
    code, out, _ = cli("terminal", "disable", "T0001")
    assert code == 0
    listing = json.loads(cli("terminal", "list", "--json")[1])
    assert listing["count"] == 1 and listing["terminals"][0]["status"] == "disabled"
    assert cli("terminal", "disable", "T0404")[0] == 5


def test_member_commands(cli):
    code, out, _ = cli("member", "add", "--id", "M1", "--phone", "13800001234",
                       "--balance", "100.00", "--store", "S1", "--json")
    assert code == 0 and json.loads(out)["balance"] == "100.00"
    assert cli("member", "add", "--id", "M1", "--phone", "13800001234", "--balance", "1",
               "--store", "S1")[0] == 1
    assert cli("member", "add", "--id", "M2", "--phone", "12345", "--balance", "1",
               "--store", "S1")[0] == 3
    assert cli("member", "add", "--id", "M2", "--phone", "13800001235", "--balance", "1.001",
               "--store", "S1")[0] == 3
    assert json.loads(cli("member", "topup", "M1", "--amount", "0.5", "--json")[1])["balance"] \
        == "100.50"
    assert json.loads(cli("member", "freeze", "M1", "--json")[1])["status"] == "frozen"
    assert json.loads(cli("member", "unfreeze", "M1", "--json")[1])["status"] == "active"
    code, _, err = cli("member", "delete", "M1")
    assert code == 1 and "100.50" in err                    # a balance is left
    code, out, _ = cli("member", "delete", "M1", "--force", "--json")
    erased = json.loads(out)
    assert code == 0 and erased["paid_out_fen"] == 10_050 and erased["phone"] is True
    shown = json.loads(cli("member", "show", "M1", "--json")[1])
    assert (shown["status"], shown["phone"], shown["balance"]) == ("deleted", None, "0.00")
    assert cli("member", "add", "--id", "M1", "--phone", "13800001234", "--store", "S1")[0] == 1
    assert cli("member", "show", "NOBODY", "--json")[0] == 5


def test_bill_json_is_exact_and_complete(cli, database_url, bo_key, key_pool, tmp_path):
    server = InProcessBackoffice(database_url, BackofficeSettings(), bo_key)
    try:
        term = TerminalIdentity("T0001", "S1", key_pool[0])
        server.register(term)
        server.add_member("M1", 100_000)
        with server.client(term) as client:
            for n in range(25):
                client.member_pay(MemberPayRequest(f"T0001N{n}", "M1", 100 + n,
                                                   "引号 \"quote\" & <tag>", "T0001"))
    finally:
        server.stop()
    code, out, _ = cli("bill", "--json", "--store", "S1")
    bill = json.loads(out)
    assert code == 0 and len(bill["trades"]) == 25
    assert bill["trades"][0]["subject"] == "引号 \"quote\" & <tag>"
    assert bill["totals"]["net_fen"] == sum(100 + n for n in range(25))
    assert json.loads(cli("bill", "--json", "--date", "2020-01-01")[1])["trades"] == []
    assert cli("bill", "--date", "2020-02-30")[0] == 3


def test_migrate_is_repeatable(cli):
    code, out, _ = cli("migrate", "--json")
    result = json.loads(out)
    assert code == 0 and result["after"] == result["before"] == head_revision()
    assert result["changed"] is False


def test_the_installed_command_runs(tmp_path):
    env = {**os.environ, "PAYTERM_BACKOFFICE_DATA_DIR": str(tmp_path / "d")}
    out = subprocess.run([sys.executable, "-m", "backoffice", "member", "list", "--json"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"count": 0, "members": []}
    assert (tmp_path / "d" / "backoffice.db").exists()      # the embedded default
