"""The wallet commands exactly as issue 15 spells them: the sandboxes as processes
(``wallet sandbox alipay|wechat --listen``), ``wallet set`` with the files they made,
``wallet list --json`` without secrets, then ``serve`` charging codes through them."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backoffice.cli.main import main
from backoffice.signing_keys import ensure_signing_key
from terminal.host_messages import PayOutcome, PayRequest, TradeStatus
from tests.backoffice.harness import (REPO, ServeProcess, TerminalIdentity, terminal_client)
from tests.backoffice.pg_server import free_port

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def cli(database_url, tmp_path, capsys, monkeypatch):
    data_dir = tmp_path / "bo-data"
    monkeypatch.setenv("PAYTERM_BACKOFFICE_DATA_DIR", str(data_dir))

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--database", database_url])
        out, err = capsys.readouterr()
        return code, out, err

    run.data_dir = data_dir  # type: ignore[attr-defined]
    run.database_url = database_url  # type: ignore[attr-defined]
    return run


class SandboxProcess:
    def __init__(self, wallet: str, state_dir: Path, *extra: str) -> None:
        self.port = free_port()
        self.log = open(state_dir.parent / f"{wallet}-sandbox.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backoffice", "wallet", "sandbox", wallet, "--listen",
             f"127.0.0.1:{self.port}", "--state-dir", str(state_dir),
             "--password-delay-s", "1", *extra],
            cwd=REPO, stdout=subprocess.PIPE, stderr=self.log, text=True,
            start_new_session=True)
        self.hint = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.hint:
            line = self.process.stdout.readline()
            if line.startswith("payterm-backoffice wallet set"):
                self.hint = line.strip()
        assert self.hint, "the sandbox did not start"

    def set_args(self) -> list[str]:
        return shlex.split(self.hint)[1:]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.process.stdout.close()
        self.log.close()


def test_wallet_set_list_and_a_payment_through_serve(cli, tmp_path, key_pool):
    alipay = SandboxProcess("alipay", tmp_path / "alipay-state")
    wechat = SandboxProcess("wechat", tmp_path / "wechat-state", "--tls")
    serve = None
    try:
        for sandbox in (alipay, wechat):
            code, out, err = cli(*sandbox.set_args(), "--json")
            assert code == 0, err
            shown = json.loads(out)
            assert shown["store_id"] == "S1" and shown["version"] == 1
        code, out, _ = cli("wallet", "list", "--json")
        listed = json.loads(out)
        assert [(a["store_id"], a["wallet"]) for a in listed] == [("S1", "alipay"),
                                                                  ("S1", "wechat")]
        text = out + cli("wallet", "list")[1]
        api_key = (tmp_path / "wechat-state" / "api_key.txt").read_text().strip()
        assert "PRIVATE KEY" not in text and api_key not in text
        assert listed[0]["mode"] == "public_key" and len(listed[1]["cert_sn"]) == 32
        sealed = cli.data_dir / "keys" / "wallet_secrets.key"
        assert stat.S_IMODE(os.stat(sealed).st_mode) == 0o600
        # a bad option is named
        code, _, err = cli("wallet", "set", "wechat", "--store", "S1", "--api-url",
                           "http://example.com", "--mch-id", "1900000109", "--appid",
                           "wx8888888888888888", "--api-key-file", "/nonexistent",
                           "--cert", "/x", "--key", "/y")
        assert code == 3 and "--api-url" in err
        terminal = TerminalIdentity("T0001", "S1", key_pool[0])
        pem = tmp_path / "t.pem"
        pem.write_bytes(terminal.public_pem)
        assert cli("terminal", "add", "--id", "T0001", "--public-key", str(pem),
                   "--store", "S1")[0] == 0
        serve = ServeProcess(cli.data_dir, cli.database_url, env={
            "PAYTERM_BACKOFFICE__WALLET_TIMING_SCALE": "0.1"})
        key = ensure_signing_key(cli.data_dir / "keys" / "backoffice_private.pem",
                                 cli.data_dir / "keys" / "backoffice_public.pem")
        with terminal_client(serve.url, terminal, key) as client:
            for number, code_ in (("T0001E1", "280000000000000100"),
                                  ("T0001E2", "134567890123456700")):
                answer = client.pay(PayRequest(out_trade_no=number, auth_code=code_,
                                               total_fen=2500, subject="demo",
                                               terminal_id="T0001"))
                assert answer.outcome is PayOutcome.APPROVED, answer
            assert client.refund("T0001E2", 500, "R1").accepted   # client certificate
            waiting = client.pay(PayRequest(out_trade_no="T0001E3",
                                            auth_code="134567890123456783", total_fen=100,
                                            subject="demo", terminal_id="T0001"))
            assert waiting.outcome is PayOutcome.WAITING_FOR_PASSWORD
            deadline = time.monotonic() + 30
            while client.query("T0001E3").status is not TradeStatus.TRADE_SUCCESS:
                assert time.monotonic() < deadline
                time.sleep(0.5)
        assert "PRIVATE KEY" not in serve.tail() and api_key not in serve.tail()
    finally:
        if serve is not None:
            serve.stop()
        alipay.stop()
        wechat.stop()
