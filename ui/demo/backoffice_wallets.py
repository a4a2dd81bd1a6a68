"""``payterm demo --backoffice``: wallet payment codes charged through the back office.

Everything runs as it would in a shop, each part its own process on loopback:
``payterm-backoffice wallet sandbox alipay`` and ``wallet sandbox wechat --tls`` (the
wallets' simulators), ``wallet set`` with the files they made, ``terminal add`` for this
terminal's key, and ``serve``. The terminal then takes wallet codes through its real
client, journal and resolver; the back office routes each code to the right wallet and
resolves unknown outcomes by that wallet's rules. At the end the terminal closes the day
against the back office's bill, and the back office reconciles each wallet's own daily
bill against its books: the three agree, or the demo says where they do not.

The terminal never imports the back office: it only starts its command, as an operator
would. The wallets' timings run at a tenth of the real ones (WeChat's 30 s of polling
take 3 s), so the tour takes a minute or two.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from drivers.host.keys import generate_key_pair
from offline_queue.end_of_day import close_day, find_blockers, today
from offline_queue.journal_identity import start_new_journal
from offline_queue.resolver_worker import run_pass
from ui.composition.context import AppContext, build_context
from ui.composition.payments import open_host, open_journal, refunds, resolver
from ui.demo.headless import Scenario, row, take_payments
from ui.text_table import print_table

STORE, TERMINAL = "S1", "T0001"
START_DEADLINE_S = 60.0
COMMAND_DEADLINE_S = 120.0
# The back office at a tenth of the wallets' timings; the sandboxes' "slow" answers
# outlast its per-call deadline.
BACKOFFICE_ENV = {"PAYTERM_BACKOFFICE__WALLET_TIMING_SCALE": "0.1",
                  "PAYTERM_BACKOFFICE__WALLET_CALL_DEADLINE_S": "3",
                  "PAYTERM_BACKOFFICE__WALLET_RESOLVER_INTERVAL_S": "0.2"}
SANDBOX_DELAYS = ["--password-delay-s", "1.5", "--slow-delay-s", "5"]
# The terminal asks the back office, which does the waiting: short terminal budgets.
TERMINAL_SETTINGS = {
    "host": {"connect_timeout_s": 1.0, "read_timeout_s": 8.0},
    "terminal": {"terminal_id": TERMINAL},
    "resolver": {
        wallet: {"first_query_delay_s": 0.5, "poll_interval_s": 0.7, "poll_budget_s": 10.0,
                 "cancel_not_before_s": 0.5, "cancel_retry_interval_s": 0.5}
        for wallet in ("alipay", "wechat", "unionpay", "member")
    },
}


def wallet_scenarios() -> list[Scenario]:
    """The sandboxes choose their behaviour by the code's last two digits (as
    ``host-sim`` does): 00 approve, 81 balance, 83/84 password then paid/closed,
    86 system error but paid, 87 slow, 88 connection dropped after the charge."""
    def alipay(serial: int, suffix: str) -> str:
        return f"28{serial:014d}{suffix}"

    def wechat(serial: int, suffix: str) -> str:
        return f"13{serial:014d}{suffix}"

    return [
        Scenario("支付宝 批准 Alipay approved", "12.34", alipay(1, "00")),
        Scenario("微信支付 批准 WeChat Pay approved", "8.80", wechat(2, "00")),
        Scenario("支付宝 余额不足 Alipay: balance", "99.00", alipay(3, "81")),
        Scenario("微信 输密码→成功 WeChat USERPAYING → paid", "66.00", wechat(4, "83")),
        Scenario("支付宝 输密码→放弃 Alipay 10003 → cancelled", "45.00", alipay(5, "84")),
        Scenario("微信 系统错误，已扣款 WeChat SYSTEMERROR, paid", "7.50", wechat(6, "86")),
        Scenario("支付宝 超时，已扣款 Alipay timeout, paid", "18.00", alipay(7, "87")),
        Scenario("微信 断线，已扣款 WeChat dropped after the charge", "21.00",
                 wechat(8, "88")),
        Scenario("银联 无收单机构 UnionPay: no acquirer", "5.00", "6212345678901234567"),
    ]


def backoffice_command() -> list[str]:
    """The installed ``payterm-backoffice`` command, or the module from this checkout."""
    found = shutil.which("payterm-backoffice")
    return [found] if found else [sys.executable, "-m", "backoffice"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Office:
    """Runs ``payterm-backoffice`` commands and processes against one data folder."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        self.folder = folder
        self.database = f"sqlite:///{folder / 'backoffice.db'}"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")},
                    "PAYTERM_BACKOFFICE_DATA_DIR": str(folder), **BACKOFFICE_ENV}
        self.stack = stack

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*backoffice_command(), *args, "--database", self.database],
                              env=self.env, capture_output=True, text=True,
                              timeout=COMMAND_DEADLINE_S)
        if check and done.returncode != 0:
            raise RuntimeError(f"payterm-backoffice {args[0]} {args[1] if len(args) > 1 else ''}"
                               f" failed: {done.stderr.strip()[-400:]}")
        return done

    def start(self, name: str, *args: str) -> subprocess.Popen[str]:
        log = self.stack.enter_context(open(self.folder / f"{name}.log", "w"))
        process = subprocess.Popen([*backoffice_command(), *args], env=self.env,
                                   stdout=subprocess.PIPE, stderr=log, text=True,
                                   start_new_session=True)
        self.stack.callback(stop, process)
        return process

    def sandbox(self, wallet: str, *extra: str) -> list[str]:
        """Start a wallet sandbox; returns the ``wallet set`` arguments it prints."""
        process = self.start(f"{wallet}-sandbox", "wallet", "sandbox", wallet, "--listen",
                             f"127.0.0.1:{free_port()}", "--state-dir",
                             str(self.folder / f"{wallet}-sandbox"), *SANDBOX_DELAYS, *extra)
        assert process.stdout is not None
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith("payterm-backoffice wallet set"):
                print(f"  {line.split(';')[0].strip()}")
                return shlex.split(line)[1:]
            if not line and process.poll() is not None:
                break
        raise RuntimeError(f"the {wallet} sandbox did not start (see {self.folder})")

    def serve(self) -> str:
        port = free_port()
        process = self.start("serve", "serve", "--database", self.database, "--listen",
                             f"127.0.0.1:{port}", "--workers", "1")
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"payterm-backoffice serve exited (see {self.folder})")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2,
                             trust_env=False).status_code == 200:
                    return f"http://127.0.0.1:{port}/gateway.do"
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("payterm-backoffice serve did not become healthy")


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    if process.stdout is not None:
        process.stdout.close()


def run_backoffice_wallet_demo(args) -> int:
    print("payterm 演示：经后台收钱包付款 / payterm demo: wallet codes through the back "
          "office\n")
    with tempfile.TemporaryDirectory(prefix="payterm-wallet-demo-") as tmp, \
            ExitStack() as stack:
        folder = Path(tmp)
        office = Office(folder / "backoffice", stack)
        office.folder.mkdir(mode=0o700)
        office.run("migrate")
        for wallet, extra in (("alipay", ()), ("wechat", ("--tls",))):
            office.run(*office.sandbox(wallet, *extra))
        terminal_dir = folder / "terminal"
        keys = terminal_dir / "keys"
        generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
        start_new_journal(terminal_dir / "payterm.db")
        office.run("terminal", "add", "--id", TERMINAL, "--public-key",
                   str(keys / "terminal_public.pem"), "--store", STORE)
        shown = json.loads(office.run("keys", "show", "--json").stdout)
        (keys / "host_public.pem").write_text(shown["public_key_pem"])
        listed = office.run("wallet", "list").stdout
        print("\n后台钱包账户（不含密钥）/ wallet accounts at the back office (no secrets):")
        print(listed.rstrip())
        url = office.serve()
        print(f"\n后台 back office: {url}\n")
        overrides = {section: dict(values) for section, values in TERMINAL_SETTINGS.items()}
        overrides["host"]["base_url"] = url
        demo = build_context(str(terminal_dir), None, env={}, with_logging=False,
                             overrides=overrides)
        try:
            rows = take_payments(demo, wallet_scenarios())
            rows.append(refund_wechat_sale(demo))
            settled = finish_unknown(demo)
            eod = close_the_day(demo)
        finally:
            demo.close()
        reconciled = office.run("wallet", "reconcile", "--store", STORE, "--date",
                                eod["day"], "--json", check=False)
    print()
    print_table(rows, ["scenario", "amount", "code", "result", "seconds", "message"])
    print()
    return report(settled, eod, reconciled)


def refund_wechat_sale(demo: AppContext) -> dict:
    """A partial refund of the WeChat sale: the back office's client certificate."""
    journal = open_journal(demo)
    sale = next(a for a in journal.recent(1000) if a.wallet is not None and a.wallet.value == "wechat"
                and a.state.value == "approved")
    started = time.monotonic()
    result = refunds(demo, open_host(demo), journal).refund(sale.out_trade_no, 300, "demo")
    print(f"  微信退款 WeChat refund: {result.attempt.state.value}")
    return row(f"部分退款 partial refund of {sale.out_trade_no}", "3.00", sale.code_masked,
               result.attempt.state.value, started, result.message, masked=True)


def finish_unknown(demo: AppContext, deadline_s: float = 60.0) -> int:
    """What ``payterm resolve --until-done`` does: anything still open is asked about."""
    journal = open_journal(demo)
    engine = resolver(demo, open_host(demo), journal)
    deadline = time.monotonic() + deadline_s
    while journal.unresolved() and time.monotonic() < deadline:
        next_due = run_pass(engine, journal)
        time.sleep(max(0.05, min(1.0, next_due - time.time())))
    return len(journal.unresolved())


def close_the_day(demo: AppContext) -> dict:
    journal = open_journal(demo)
    day = today(time.time())
    blockers = find_blockers(journal)
    if blockers:
        return {"day": day.isoformat(), "closed": False, "blockers": blockers}
    return close_day(journal, open_host(demo), day, time.time()).as_dict()


def report(unresolved: int, eod: dict, reconciled: subprocess.CompletedProcess[str]) -> int:
    good = True
    if unresolved:
        good = False
        print(f"✗ 终端仍有 {unresolved} 笔未决 / {unresolved} payments still unresolved")
    if eod.get("closed") and eod.get("reconciliation", {}).get("balanced"):
        print(f"✓ 终端日结与后台账单一致 / the terminal's end of day ({eod['day']}) balances "
              "with the back office's bill")
    else:
        good = False
        print(f"✗ 终端日结未通过 / the terminal's end of day did not balance: "
              f"{json.dumps(eod.get('blockers') or eod.get('reconciliation'))[:600]}")
    try:
        wallets = json.loads(reconciled.stdout)["wallets"]
    except (ValueError, KeyError):
        print(f"✗ 钱包对账失败 / wallet reconciliation failed: {reconciled.stderr[-400:]}")
        return 1
    for item in wallets:
        if item["error"] or item["differences"]:
            good = False
            print(f"✗ {item['wallet']} 对账单不符 / bill differs: "
                  f"{item['error'] or item['differences']}")
        else:
            print(f"✓ {item['wallet']} 对账单 {item['bill_lines']} 行，{item['matched']} 笔与后台"
                  f"一致 / the wallet's own bill: {item['bill_lines']} lines, "
                  f"{item['matched']} orders match the back office's books")
    return 0 if good else 1
