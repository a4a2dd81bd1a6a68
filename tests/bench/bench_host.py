"""Terminal-side cost of one wallet pay on loopback: signing + HTTP round trip + answer
verification + answer checks, with the simulator answering at once. Not collected by
pytest. Also, in the same run: the same pays through httpx's plain transport (no
per-operation deadline, for the ratio), and the answer checks alone.

    /tmp/venv/bin/python tests/bench/bench_host.py [--pays 300]

Writes tests/bench/results/host.json (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx  # noqa: E402

from drivers.host.answer_checks import Asked, check_answer  # noqa: E402
from drivers.host.client import HostClient  # noqa: E402
from drivers.host.keys import (HOST_PUBLIC, TERMINAL_PRIVATE, TERMINAL_PUBLIC,  # noqa: E402
                               generate_key_pair, load_private_key, load_public_key)
from drivers.host.signing import signed_response_body  # noqa: E402
from drivers.host.simulator.behaviours import Behaviour, code_for  # noqa: E402
from drivers.host.simulator.runner import start_simulator  # noqa: E402
from drivers.host.wire import parse_signed_response, signed_request  # noqa: E402
from terminal.host_messages import PayOutcome, PayRequest  # noqa: E402
from terminal.settings.host_section import HostSettings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "host.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"median_ms": round(statistics.median(ms), 3), "p95_ms": round(percentile(ms, 95), 3),
            "p99_ms": round(percentile(ms, 99), 3), "n": len(ms)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pays", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp)
        generate_key_pair(keys / TERMINAL_PRIVATE, keys / TERMINAL_PUBLIC)
        with start_simulator(keys / "sim.db", keys) as sim:
            private_key = load_private_key(keys / TERMINAL_PRIVATE)
            host_public = load_public_key(keys / HOST_PUBLIC)
            client = HostClient(HostSettings(base_url=sim.url), terminal_id="T0001",
                                private_key=private_key, host_public_key=host_public)
            plain = HostClient(HostSettings(base_url=sim.url), terminal_id="T0001",
                               private_key=private_key, host_public_key=host_public,
                               transport=httpx.HTTPTransport(trust_env=False))
            serial = 0

            def one_pay(client=client) -> float:
                nonlocal serial
                serial += 1
                request = PayRequest(out_trade_no=f"T0001BENCH{serial:010d}",
                                     auth_code=code_for(Behaviour.APPROVE, serial),
                                     total_fen=1234, subject="bench", terminal_id="T0001")
                started = time.perf_counter()
                answer = client.pay(request)
                elapsed = time.perf_counter() - started
                assert answer.outcome is PayOutcome.APPROVED
                return elapsed

            for _ in range(20):                   # warm up: connection, caches
                one_pay()
                one_pay(plain)
            pays, plain_pays = [], []
            for _ in range(args.pays):            # interleaved: same load for both
                pays.append(one_pay())
                plain_pays.append(one_pay(plain))
            client.close()
            plain.close()

            # The crypto part alone, on the same shapes of data as a real pay.
            biz = {"out_trade_no": "T0001BENCH", "scene": "bar_code",
                   "auth_code": code_for(Behaviour.APPROVE, 1), "subject": "bench",
                   "total_amount": "12.34", "terminal_id": "T0001"}
            host_key = load_private_key(keys / "host_private.pem")
            body = signed_response_body("alipay.trade.pay", {"code": "10000", "msg": "Success",
                                                             "total_amount": "12.34"}, host_key)
            payload = {"code": "10000", "msg": "Success", "out_trade_no": "T0001BENCH",
                       "trade_no": "2026112322000000000001", "total_amount": "12.34",
                       "terminal_id": "T0001", "buyer_user_id": "2088", "gmt_payment": "x"}
            asked = Asked("alipay.trade.pay", "T0001", out_trade_no="T0001BENCH",
                          total_fen=1234)
            signs, verifies, checks = [], [], []
            for _ in range(args.pays):
                started = time.perf_counter()
                check_answer(asked, payload)
                checks.append(time.perf_counter() - started)
                started = time.perf_counter()
                signed_request("alipay.trade.pay", biz, app_id="A", private_key=private_key,
                               now_epoch_s=time.time())
                signs.append(time.perf_counter() - started)
                started = time.perf_counter()
                parse_signed_response(body, "alipay.trade.pay", host_public)
                verifies.append(time.perf_counter() - started)
    result = {
        "what": "terminal-side wallet pay on loopback, simulator answering at once "
                "(includes the simulator's own work on the same 2 cores)",
        "pay_round_trip": summary(pays),
        "pay_round_trip_plain_httpx_transport": summary(plain_pays),
        "deadline_transport_ratio_of_medians": round(statistics.median(pays)
                                                     / statistics.median(plain_pays), 3),
        "answer_check": summary(checks),
        "request_signing": summary(signs),
        "answer_verification": summary(verifies),
        "machine": {"python": platform.python_version(), "cpu_count": __import__("os").cpu_count()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
