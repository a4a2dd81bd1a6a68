"""``payterm demo`` with a window: everything simulated, nothing to set up.

The host simulator runs in-process on a loopback port, the printer emulator on a real
pty (its receipts shown in the demo console), a simulated camera plays a phone with
payment codes and a customer's face, and the astronaut is an enrolled member. The
kiosk window is the same one ``payterm run`` shows.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from drivers.host.keys import generate_key_pair
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.config import MemberSeed, SimulatorConfig
from drivers.host.simulator.runner import start_simulator
from offline_queue.journal_identity import start_new_journal
from terminal.payment_code import mask_code
from ui.composition.context import AppContext, build_context
from ui.demo.demo_member import DEMO_BALANCE_FEN, DEMO_MEMBER_ID, DEMO_PHONE
from ui.models_location import resolve_models_dir

log = logging.getLogger(__name__)

DEMO_SETTINGS = {
    "host": {"connect_timeout_s": 1.0, "read_timeout_s": 2.0},
    "resolver": {wallet: {"first_query_delay_s": 0.5, "poll_interval_s": 1.0,
                          "poll_budget_s": 15.0, "cancel_not_before_s": 1.0,
                          "cancel_retry_interval_s": 0.5}
                 for wallet in ("alipay", "wechat", "unionpay", "member")},
    "kiosk": {"full_screen": False, "hide_cursor": False, "status_refresh_s": 2.0,
              "fixed_price_items": []},
    "camera": {"fps": 25.0},
    "offline": {"probe_interval_s": 2.0},
}


def demo_codes() -> tuple[str, ...]:
    """Codes the phone shows: approvals, then one that waits for the password."""
    codes = [code_for(Behaviour.APPROVE, n) for n in range(1, 5)]
    codes.insert(2, code_for(Behaviour.PASSWORD_THEN_SUCCESS, 90))
    codes.append(code_for(Behaviour.DECLINE_BALANCE, 91))
    return tuple(codes)


def run_gui_demo(ctx: AppContext, args) -> int:
    """Start the simulated world and the kiosk window; returns the app's exit code."""
    with tempfile.TemporaryDirectory(prefix="payterm-gui-demo-") as tmp:
        demo_dir = Path(tmp)
        keys = demo_dir / "keys"
        generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
        start_new_journal(demo_dir / "payterm.db")   # the journal is born with the keys
        sim_config = SimulatorConfig(password_delay_s=4.0, slow_delay_s=3.0, members=(
            MemberSeed(DEMO_MEMBER_ID, DEMO_BALANCE_FEN, DEMO_PHONE[-4:]),))
        with start_simulator(demo_dir / "host-sim.db", keys, config=sim_config) as sim:
            return _run_with_simulator(ctx, args, demo_dir, sim)


def _run_with_simulator(ctx: AppContext, args, demo_dir: Path, sim) -> int:
    from drivers.camera.camera_frame_source import CameraFrameSource
    from drivers.printer.emulator.pty_server import PrinterEmulator
    from ui.demo.autopilot import Autopilot
    from ui.demo.console import DemoConsole
    from ui.demo.demo_camera import DemoScene
    from ui.composition.kiosk_app import application, build_shell, install_wedge_scanner
    from ui.composition.kiosk_services import build_services, configured_printer
    emulator = PrinterEmulator(demo_dir / "printer", columns=32, dots_per_line=384,
                               out_dir=demo_dir / "receipts").start()
    try:
        overrides = {k: dict(v) for k, v in DEMO_SETTINGS.items()}
        overrides["host"]["base_url"] = sim.url
        overrides["printer"] = {"port": emulator.port}
        overrides["face"] = {"models_dir": str(resolve_models_dir(ctx.settings.face.models_dir))}
        overrides["kiosk"]["mode"] = args.mode or "cashier"
        overrides["kiosk"]["voice_enabled"] = ctx.settings.kiosk.voice_enabled
        demo = build_context(str(demo_dir), None, env={}, with_logging=False,
                             overrides=overrides)
        app = application()
        scene = DemoScene(demo_codes())
        source = CameraFrameSource(scene.open, name="demo camera", fps=demo.settings.camera.fps)
        printer, problem = configured_printer(demo)
        services = build_services(demo, camera_source=source, print_worker=printer,
                                  printer_problem=problem,
                                  face_loader_fn=_loader_enrolling_astronaut(demo))
        services.camera.on_purpose = scene.show
        shell = build_shell(demo, services, mode=args.mode or "cashier")
        shell.options.full_screen = False
        shell.options.hide_cursor = False
        install_wedge_scanner(app, shell, demo.settings)
        console = DemoConsole(sim, emulator, "演示付款码 / demo codes: " + ", ".join(
            mask_code(c) for c in demo_codes()) + f"\n会员 member {DEMO_MEMBER_ID}, 手机后四位 "
            f"phone last 4: {DEMO_PHONE[-4:]}")
        emulator.on_receipt = console.on_emulator_receipt
        shell.start()
        console.move(shell.x() + shell.width() + 10, shell.y())
        console.show()
        pilot = Autopilot(shell, console, screenshot_dir=args.screenshot_dir,
                          drive_payment=bool(args.autopilot))
        pilot.start()
        code = app.exec()
        console.close()
        services.stop()
        demo.close()
        log.info("demo finished with exit code %s", pilot.exit_code if pilot.active else code)
        return pilot.exit_code if pilot.active else code
    finally:
        emulator.stop()


def _loader_enrolling_astronaut(ctx):
    """The face loader, plus enrolling the demo member once the models are loaded."""
    from ui.demo.demo_member import enrol_demo_member
    from ui.composition.kiosk_services import face_loader
    original = face_loader(ctx)

    def load():
        engine, gallery = original()
        enrol_demo_member(ctx, engine, gallery)
        return engine, gallery
    return load
