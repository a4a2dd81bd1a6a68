"""Helpers for LAN printer tests: the TCP emulator on loopback and the real driver."""

from __future__ import annotations

import dataclasses

from drivers.printer.printer_factory import printer_from_settings
from terminal.settings.printer_section import PrinterSettings

LINK_TEMPLATE = "https://r.example.cn/r/{out_trade_no}"


def lan_settings(url: str, **changes) -> PrinterSettings:
    """Printer settings for ``url`` with timeouts generous for a shared test machine."""
    base = PrinterSettings(port=url, profile="generic-80", status_timeout_ms=250,
                           write_timeout_s=2.0, print_end_timeout_s=3.0,
                           connect_timeout_s=1.0, lan_latency_ms=50,
                           qr_link_template=LINK_TEMPLATE)
    return dataclasses.replace(base, **changes)


#: Printers made by ``lan_printer``; closed after each test by the conftest fixture.
MADE: list = []


def lan_printer(url: str, **changes):
    printer = printer_from_settings(lan_settings(url, **changes))
    MADE.append(printer)
    return printer
