"""The scanner gun: waits for one scan, within ``diagnostics.scanner_wait_s``.

It needs a person to scan something, so it runs only with ``--only scanner``,
``--interactive`` or on the technician screen. A serial scanner (``scanner.serial_port``)
is read through its driver; a keyboard-wedge scanner through evdev when
``scanner.evdev_device`` is set. A plain wedge scanner types into whichever window has
the keyboard focus, which a command line run over SSH or from a service does not have:
the check says so instead of pretending. What was scanned is shown masked only.
"""

from __future__ import annotations

import queue
import time

from drivers.scanner.evdev_wedge_reader import EvdevWedgeReader
from drivers.scanner.serial_scanner import SerialScanner
from terminal.errors import DeviceError
from terminal.payment_code import NotAPaymentCode, classify_code, mask_code
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, Status, failed, passed
from ui.diagnostics.spec import CheckSpec

_CHECK_SCANNER = ("检查扫码枪数据线与电源；串口型号确认 scanner.serial_port、波特率和结束符"
                  "（scanner.serial_baud / serial_terminator）/ Check the scanner's cable and "
                  "power; for a serial scanner check scanner.serial_port, serial_baud and "
                  "serial_terminator (scan the vendor's setup codes if needed)")


def open_reader(env: DiagEnvironment):
    """The configured scanner's reader (``start(on_scan)``/``stop()``), or None when the
    scanner is a keyboard wedge that only a focused window can read."""
    s = env.settings.scanner
    if s.serial_port:
        return SerialScanner.from_settings(s)
    if s.evdev_device:
        return EvdevWedgeReader(s.evdev_device, max_gap_ms=s.wedge_max_gap_ms,
                                min_length=s.wedge_min_length)
    return None


def check_scanner(env: DiagEnvironment) -> CheckResult:
    reader = open_reader(env)
    if reader is None:
        return CheckResult(
            Status.SKIP, "键盘式扫码枪无法在命令行测试：按键只进入有焦点的窗口 / A keyboard-wedge "
            "scanner cannot be tested from the command line: its keys go to the window "
            "that has the focus",
            "在技术员界面的自检中扫码测试，或设置 scanner.evdev_device / Test it on the "
            "technician screen, or set scanner.evdev_device (needs the evdev package)",
            {"mode": "keyboard wedge"})
    wait_s = env.settings.diagnostics.scanner_wait_s
    details: dict = {"reader": reader.name, "wait_s": wait_s}
    scans: queue.Queue[str] = queue.Queue()
    try:
        reader.start(scans.put)
    except DeviceError as exc:
        return failed(f"扫码枪无法打开 / The scanner cannot be opened: {exc}", _CHECK_SCANNER,
                      **details)
    try:
        env.say(f"请在 {wait_s:g} 秒内用扫码枪扫任意条码 / Scan any code with the scanner "
                f"within {wait_s:g} s")
        started = time.monotonic()
        text = _wait_for_scan(scans, env, started + wait_s)
    finally:
        reader.stop()
    if text is None:
        why = "已取消 / cancelled" if env.cancel.is_set() else f"{wait_s:g} 秒 / s"
        return failed(f"未收到扫码（{why}）/ No scan arrived ({why})", _CHECK_SCANNER,
                      **details)
    details.update(after_ms=round((time.monotonic() - started) * 1000),
                   length=len(text), masked=mask_code(text))
    try:
        code = classify_code(text)
        kind = f"{code.wallet.display_name} 付款码 payment code"
        details["wallet"] = code.wallet.value
    except NotAPaymentCode:
        kind = "非付款码 not a payment code"
    return passed(f"收到扫码 / Scan received: {mask_code(text)}（{len(text)} 位 chars，{kind}）",
                  **details)


def _wait_for_scan(scans: queue.Queue, env: DiagEnvironment, deadline: float) -> str | None:
    while not env.cancel.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            return scans.get(timeout=min(0.1, remaining))
        except queue.Empty:
            continue
    return None


def _scanner_timeout(settings) -> float:
    return settings.diagnostics.scanner_wait_s + settings.diagnostics.check_timeout_s


SPEC = CheckSpec("scanner", "扫码枪 / Scanner", check_scanner, timeout_s=_scanner_timeout,
                 group="serial", needs_person=True)
