"""``payterm demo --headless``: the payment core shown through every outcome.

Starts the host simulator in-process on a free loopback port with its own keys and
SQLite ledger, then takes real payments over HTTP through the real client, journal and
resolver, and prints what the cashier would have seen for each. Timings are shortened
(seconds instead of a minute) so the whole tour takes well under a minute.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.host.keys import generate_key_pair
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from offline_queue.journal_identity import start_new_journal
from terminal.errors import UserFacingError
from terminal.money import format_amount, parse_amount
from terminal.payment_code import mask_code
from ui.text_table import print_table
from ui.composition.context import AppContext, build_context
from ui.composition.payments import open_host, open_journal, refunds, wallet_payment

# Short budgets so that waiting-for-password and cancel paths finish in seconds.
DEMO_SETTINGS = {
    "host": {"connect_timeout_s": 1.0, "read_timeout_s": 1.5},
    "resolver": {
        wallet: {"first_query_delay_s": 0.3, "poll_interval_s": 0.5, "poll_budget_s": 4.0,
                 "cancel_not_before_s": 0.5, "cancel_retry_interval_s": 0.3}
        for wallet in ("alipay", "wechat", "unionpay", "member")
    },
}
SIMULATOR = SimulatorConfig(password_delay_s=1.5, slow_delay_s=3.0, cancel_retry_times=2)


@dataclass(frozen=True)
class Scenario:
    label: str
    amount: str
    code: str


def scenarios() -> list[Scenario]:
    def code(behaviour: Behaviour, serial: int, prefix: str = "28") -> str:
        return code_for(behaviour, serial, prefix=prefix)

    return [
        Scenario("批准 approved (Alipay)", "12.34", code(Behaviour.APPROVE, 1)),
        Scenario("批准 approved (WeChat Pay)", "8.80", code(Behaviour.APPROVE, 2, prefix="13")),
        Scenario("余额不足 declined: balance", "99.00", code(Behaviour.DECLINE_BALANCE, 3)),
        Scenario("付款码无效 declined: invalid code", "5.00", code(Behaviour.DECLINE_INVALID_CODE, 4)),
        Scenario("等待密码→成功 waiting for password → paid", "66.00",
                 code(Behaviour.PASSWORD_THEN_SUCCESS, 5)),
        Scenario("等待密码→放弃 waiting for password → gave up", "45.00",
                 code(Behaviour.PASSWORD_THEN_CLOSE, 6)),
        Scenario("系统错误，未建单 system error, no trade", "3.00",
                 code(Behaviour.SYSTEM_ERROR_NO_TRADE, 7)),
        Scenario("系统错误，已扣款 system error, but paid", "7.50",
                 code(Behaviour.SYSTEM_ERROR_BUT_PAID, 8)),
        Scenario("超时，已扣款 read timeout, paid", "18.00", code(Behaviour.SLOW_SUCCESS, 9)),
        Scenario("断线，已扣款 connection dropped after commit", "21.00",
                 code(Behaviour.DROP_AFTER_COMMIT, 10)),
        Scenario("重复扫码 same code again", "12.34", code(Behaviour.APPROVE, 1)),
        Scenario("非付款码 not a payment code", "1.00", "https://shop.example.cn/menu"),
        Scenario("金额错误 bad amount", "12.345", code(Behaviour.APPROVE, 11)),
    ]


def run_headless_demo(args, ctx: AppContext) -> int:
    print("payterm 演示（无界面）/ payterm demo (headless)\n")
    with tempfile.TemporaryDirectory(prefix="payterm-demo-") as tmp:
        demo_dir = Path(tmp)
        keys = demo_dir / "keys"
        generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
        start_new_journal(demo_dir / "payterm.db")   # the journal is born with the keys
        with start_simulator(demo_dir / "host-sim.db", keys, config=SIMULATOR) as sim:
            overrides = {section: dict(values) for section, values in DEMO_SETTINGS.items()}
            overrides["host"]["base_url"] = sim.url
            # Logs keep going to the caller's data directory, not the throw-away one.
            demo = build_context(str(demo_dir), None, env={}, with_logging=False,
                                 overrides=overrides)
            print(f"主机模拟器 host simulator: {sim.url}")
            try:
                rows = take_payments(demo, scenarios())
                rows.append(refund_first_sale(demo))
                agreement = check_against_ledger(demo, sim)
                rows.append(host_down(demo, sim))
            finally:
                demo.close()
    print()
    print_table(rows, ["scenario", "amount", "code", "result", "seconds", "message"])
    print()
    print(agreement)
    return 0 if agreement.startswith("✓") else 1


def check_against_ledger(demo: AppContext, sim) -> str:
    """Compare what the terminal believes with what the host's books say: every approved
    attempt took exactly its amount less refunds, every other attempt took nothing."""
    journal = open_journal(demo)
    charges = {c["out_trade_no"]: c["net_fen"] for c in sim.ledger.charges()}
    mismatches = []
    attempts = journal.recent(10_000)
    for attempt in attempts:
        expected = attempt.amount_fen - attempt.refunded_fen if attempt.state.value in (
            "approved", "partially_refunded", "refunded") else 0
        if charges.get(attempt.out_trade_no, 0) != expected:
            mismatches.append(attempt.out_trade_no)
    unknown = set(charges) - {a.out_trade_no for a in attempts}
    if mismatches or unknown:
        return (f"✗ 终端与主机账不符 / terminal and host disagree: "
                f"{', '.join(sorted(mismatches + list(unknown)))}")
    return (f"✓ 终端日志与主机账本一致（{len(attempts)} 笔）/ the journal and the host's ledger "
            f"agree on all {len(attempts)} attempts: nothing lost, nothing charged twice")


def take_payments(demo: AppContext, tour: list[Scenario]) -> list[dict]:
    """Pay each scenario's code for its amount; a row per payment for the summary."""
    journal = open_journal(demo)
    host = open_host(demo)
    payment = wallet_payment(demo, host, journal)
    rows = []
    for scenario in tour:
        started = time.monotonic()
        try:
            amount = parse_amount(scenario.amount, max_fen=demo.settings.terminal.max_amount_fen)
            result = payment.pay(amount, scenario.code)
            state, message = result.state.value, result.message
        except UserFacingError as exc:
            state, message = "refused", exc.user_message
        rows.append(row(scenario.label, scenario.amount, scenario.code, state, started, message))
        print(f"  {scenario.label}: {state}")
    return rows


def refund_first_sale(demo: AppContext) -> dict:
    journal = open_journal(demo)
    host = open_host(demo)
    first = journal.recent(1000)[-1]
    started = time.monotonic()
    result = refunds(demo, host, journal).refund(first.out_trade_no, 234, "demo")
    print(f"  退款 refund: {result.attempt.state.value}")
    return row(f"部分退款 partial refund of {first.out_trade_no}", "2.34", first.code_masked,
               result.attempt.state.value, started, result.message, masked=True)


def host_down(demo: AppContext, sim) -> dict:
    journal = open_journal(demo)
    host = open_host(demo)
    sim.stop()
    code = code_for(Behaviour.APPROVE, 12)
    started = time.monotonic()
    result = wallet_payment(demo, host, journal).pay(1000, code)
    print(f"  主机断开 host down: {result.state.value}")
    return row("主机不可达 host unreachable", "10.00", code, result.state.value, started,
               result.message)


def row(label: str, amount: str, code: str, state: str, started: float, message: str,
        *, masked: bool = False) -> dict:
    return {"scenario": label, "amount": format_amount_text(amount),
            "code": code if masked else mask_code(code), "result": state,
            "seconds": f"{time.monotonic() - started:.1f}", "message": message}


def format_amount_text(text: str) -> str:
    try:
        whole, _, frac = text.partition(".")
        if len(frac) > 2:
            return text
        return format_amount(int(whole) * 100 + int((frac or "0").ljust(2, "0")))
    except ValueError:
        return text
