"""``payterm host-sim``: run the payment host simulator in the foreground."""

from __future__ import annotations

import signal
from pathlib import Path

from drivers.host.simulator.behaviours import BY_CODE, Behaviour
from drivers.host.simulator.config import SimulatorConfig, load_config, with_overrides
from drivers.host.simulator.runner import start_simulator


def register(sub) -> None:
    sim = sub.add_parser("host-sim", help="run the payment host simulator / 支付平台模拟器")
    sim.add_argument("--port", type=int, default=8790,
                     help="port on 127.0.0.1 (default 8790, the host.base_url default; 0: free)")
    sim.add_argument("--db", help="ledger SQLite file (default <data dir>/host-sim.db)")
    sim.add_argument("--keys-dir", help="host keys and terminal_public.pem "
                                        "(default <data dir>/keys)")
    sim.add_argument("--config", dest="sim_config", metavar="FILE",
                     help="simulator settings, JSON or TOML (see docs/host.md)")
    sim.add_argument("--password-delay-s", type=float)
    sim.add_argument("--slow-delay-s", type=float)
    sim.add_argument("--cancel-retry-times", type=int)
    sim.add_argument("--default-behaviour",
                     choices=[BY_CODE, *(b.value for b in Behaviour)])
    sim.set_defaults(handler=run_host_sim)


def run_host_sim(args, ctx) -> int:
    config = load_config(Path(args.sim_config)) if args.sim_config else SimulatorConfig()
    config = with_overrides(config, password_delay_s=args.password_delay_s,
                            slow_delay_s=args.slow_delay_s,
                            cancel_retry_times=args.cancel_retry_times,
                            default_behaviour=args.default_behaviour)
    db_path = Path(args.db) if args.db else ctx.data_dir / "host-sim.db"
    keys_dir = Path(args.keys_dir) if args.keys_dir else ctx.data_dir / "keys"
    if not 0 <= args.port <= 65535:
        from terminal.errors import ConfigError
        raise ConfigError("--port", "must be 0..65535")
    sim = start_simulator(db_path, keys_dir, config, port=args.port)
    previous = signal.signal(signal.SIGTERM, lambda *_: sim.app.stopping.set())
    try:
        print(f"支付平台模拟器已启动 / host simulator listening: {sim.url}", flush=True)
        print(f"  账本 ledger: {db_path}\n  密钥 keys: {keys_dir}\n"
              f"  按 Ctrl-C 停止 / press Ctrl-C to stop", flush=True)
        # Short waits so Ctrl-C (KeyboardInterrupt) is seen promptly in the main thread.
        while not sim.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
        signal.signal(signal.SIGTERM, previous)
    print("模拟器已停止 / host simulator stopped", flush=True)
    return 0
