"""A real pty with the printer emulator on the other end, and the real serial driver."""

from __future__ import annotations

import pytest

from drivers.printer.emulator import PrinterEmulator
from drivers.printer.encoder import EncodeOptions
from drivers.printer.profiles import PROFILES
from drivers.printer.serial_printer import SerialPrinter

FAST_BAUD = 115200
#: Generous: the machine running the tests is shared; the driver's default is 40 ms.
STATUS_TIMEOUT_MS = 250
LINK_TEMPLATE = "https://r.example.cn/r/{out_trade_no}"


def make_printer(port: str, **overrides) -> SerialPrinter:
    options = dict(baud=FAST_BAUD, flow_control="none", status_timeout_ms=STATUS_TIMEOUT_MS,
                   write_timeout_s=2.0, chunk_bytes=256,
                   options=EncodeOptions(qr_link_template=LINK_TEMPLATE))
    options.update(overrides)
    profile = options.pop("profile", PROFILES["generic-80"])
    return SerialPrinter(port, profile, **options)


@pytest.fixture
def emulator_factory(tmp_path):
    started = []

    def start(**kwargs) -> PrinterEmulator:
        kwargs.setdefault("baud", FAST_BAUD)
        emu = PrinterEmulator(tmp_path / f"printer{len(started)}", **kwargs).start()
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory) -> PrinterEmulator:
    return emulator_factory()


@pytest.fixture
def printer(emulator):
    p = make_printer(emulator.port)
    yield p
    p.close()


@pytest.fixture
def tcp_emulator_factory():
    """Start TCP printer emulators on loopback; all stopped after the test."""
    from drivers.printer.emulator import TcpPrinterEmulator
    started = []

    def start(**kwargs) -> TcpPrinterEmulator:
        emu = TcpPrinterEmulator("127.0.0.1", 0, **kwargs).start()
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def tcp_emulator(tcp_emulator_factory):
    return tcp_emulator_factory()


@pytest.fixture(autouse=True)
def _close_lan_printers():
    from tests.contract.printer import lan
    yield
    while lan.MADE:
        lan.MADE.pop().close()
