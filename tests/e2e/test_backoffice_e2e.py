"""End to end: a real payterm terminal (the ``payterm`` command with its own data dir
and key pair, registered in the back office) takes member payments online and member
and cash payments offline against ``payterm-backoffice serve`` over loopback HTTP,
syncs, and its end of day balances with the back office's bill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backoffice.harness import REPO, ServeProcess

pytestmark = pytest.mark.timeout(300)


def run(args: list[str], env: dict[str, str], *, check: bool = True) -> dict:
    out = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120)
    if check:
        assert out.returncode == 0, f"{args}: {out.stdout[-1500:]} {out.stderr[-1500:]}"
    return json.loads(out.stdout) if out.stdout.strip().startswith("{") else {"raw": out.stdout}


@pytest.mark.parametrize("backend", [
    "sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])])
def test_terminal_pays_offline_syncs_and_closes_the_day(backend, request, tmp_path: Path):
    bo_dir, term_dir = tmp_path / "bo", tmp_path / "term"
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    bo_env = {**base, "PAYTERM_BACKOFFICE_DATA_DIR": str(bo_dir)}
    if backend == "sqlite":
        # One shop, as the README says: one command with a data directory, nothing
        # before it (serve makes the key pair and the embedded database itself).
        serve = ServeProcess(bo_dir, None, workers=2, env={"PAYTERM_BACKOFFICE_DATABASE": ""})
        assert (bo_dir / "backoffice.db").exists()
        on_database: list[str] = []
    else:
        database = request.getfixturevalue("pg_server").create_database("e2e_terminal")
        run(["-m", "backoffice", "migrate", "--database", database], bo_env)
        on_database = ["--database", database]
    office = ["-m", "backoffice"]
    terminal = ["-m", "ui.cli.main", "--data-dir", str(term_dir)]

    run([*terminal, "keys", "generate"], base)
    key = run([*office, "keys", "show", "--json", *on_database], bo_env)
    (term_dir / "keys" / "host_public.pem").write_text(key["public_key_pem"])
    run([*office, "terminal", "add", "--id", "T0001", "--public-key",
         str(term_dir / "keys" / "terminal_public.pem"), "--store", "S1", "--json",
         *on_database], bo_env)
    run([*office, "member", "add", "--id", "M1", "--phone", "13800001234", "--balance",
         "100.00", "--store", "S1", *on_database], bo_env)

    if backend != "sqlite":
        serve = ServeProcess(bo_dir, database, workers=2)
    try:
        env = {**base, "PAYTERM__HOST__BASE_URL": serve.url,
               "PAYTERM__TERMINAL__TERMINAL_ID": "T0001"}
        online = run([*terminal, "member", "pay", "--member", "M1", "--amount", "12.34",
                      "--evidence", '{"score": 0.81}', "--json"], env)
        assert online["approved"] and not online["offline"] and online["host_trade_no"]
        run([*terminal, "member", "balance", "--member", "M1", "--json"], env)
        offline_env = {**env, "PAYTERM__OFFLINE__FORCED_OFFLINE": "true"}
        taken = run([*terminal, "member", "pay", "--member", "M1", "--amount", "5.00",
                     "--json"], offline_env)
        assert taken["approved"] and taken["offline"]
        cash = run([*terminal, "cash", "pay", "--amount", "3.00", "--json"], offline_env)
        assert cash["approved"] and cash["offline"]
        refused = run([*terminal, "pay", "--amount", "1.00", "--code", "280000000000000100",
                       "--json"], env, check=False)
        assert refused.get("sub_code") == "PAYTERM.WALLET_NOT_CONFIGURED"
        run([*terminal, "queue", "sync"], env)
        status = run([*terminal, "queue", "status", "--json"], env)
        eod = run([*terminal, "eod", "--json"], env)
        assert eod["closed"], eod
        assert eod["reconciliation"]["balanced"], eod
        member = run([*office, "member", "show", "M1", "--json", *on_database], bo_env)
        assert member["balance"] == "82.66"                       # 100 - 12.34 - 5.00
        bill = run([*office, "bill", "--json", "--store", "S1", *on_database], bo_env)
        got = sorted((t["tender"], t["total_amount"], t["offline"]) for t in bill["trades"])
        assert got == [("cash", "3.00", True), ("member", "12.34", False),
                       ("member", "5.00", True)], (got, status)
        assert bill["totals"]["net_fen"] == 1234 + 500 + 300
    finally:
        serve.stop()
