"""The configured serial devices exist and can be opened.

Opening is non-blocking and immediately closed, so it cannot hang on a dead device and
does not disturb a printer mid-job for longer than a system call.
"""

from __future__ import annotations

import os
import stat

from terminal.settings.printer_port import PortKind, parse_printer_port
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, failed, passed
from ui.diagnostics.spec import CheckSpec


def configured_ports(env: DiagEnvironment) -> dict[str, str]:
    """Role → device path for every serial device the settings use."""
    ports = {}
    printer = env.settings.printer
    # A LAN or USB printer is not a device node: the printer check reaches it.
    if printer.enabled and parse_printer_port(printer.port).kind is PortKind.SERIAL:
        ports["printer"] = printer.port
    if env.settings.scanner.serial_port:
        ports["scanner"] = env.settings.scanner.serial_port
    return ports


def probe_port(path: str) -> dict:
    """What a technician needs to know about one device node; never raises."""
    info: dict = {"path": path, "exists": os.path.exists(path)}
    if not info["exists"]:
        info["error"] = "no such device"
        return info
    info["resolves_to"] = os.path.realpath(path)
    mode = os.stat(path).st_mode
    info["char_device"] = stat.S_ISCHR(mode)
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as exc:
        info["openable"] = False
        info["error"] = exc.strerror or str(exc)
        return info
    os.close(fd)
    info["openable"] = True
    return info


def check_serial_ports(env: DiagEnvironment) -> CheckResult:
    ports = configured_ports(env)
    if not ports:
        return passed("未配置串口设备 / No serial devices configured")
    probes = {role: probe_port(path) for role, path in ports.items()}
    bad = {role: p for role, p in probes.items() if not p.get("openable")}
    if bad:
        text = "; ".join(f"{role} {p['path']}: {p.get('error', '')}" for role, p in bad.items())
        return failed(f"串口不可用 / Serial device unavailable: {text}",
                      "检查设备电源与 USB 线；确认 udev 规则已安装（/dev/payterm-*）且 payterm "
                      "用户在 dialout 组 / Check power and USB cable; check the udev rules "
                      "(/dev/payterm-*) and that the payterm user is in the dialout group",
                      ports=probes)
    return passed("串口设备齐全可打开 / Serial devices present and openable: "
                  + ", ".join(f"{r} {p['path']}" for r, p in probes.items()), ports=probes)


# The printer check opens the same device; run them one after another.
SPEC = CheckSpec("serial_ports", "串口 / Serial ports", check_serial_ports, group="serial")
