"""The receipt printer."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting

#: Names of drivers/printer/profiles.py PROFILES (a test keeps the two lists equal; the
#: domain layer cannot import the driver to read them).
PROFILE_NAMES = ("generic-58", "generic-80", "epson-tm-t20", "epson-tm-t88",
                 "xprinter-58", "xprinter-80", "zywell-80", "rongta-80")


@dataclass(frozen=True)
class PrinterSettings:
    enabled: bool = setting(True)
    port: str = setting("/dev/payterm-printer", doc="serial device or pty path")
    baud: int = setting(9600, choices=(2400, 4800, 9600, 19200, 38400, 57600, 115200))
    profile: str = setting("generic-80", choices=PROFILE_NAMES,
                           doc="printer profile name (see docs/printing.md)")
    status_timeout_ms: int = setting(40, min=5, max=2000,
                                     doc="wait for all four DLE EOT replies, beyond the "
                                         "wire time of bytes still in flight")
    write_timeout_s: float = setting(10.0, min=0.1, max=120.0,
                                     doc="one chunk may block this long (flow control)")
    chunk_bytes: int = setting(256, min=16, max=65536, doc="bytes per serial write")
    drawer_kick: bool = setting(False, doc="open the cash drawer (ESC p) on cash sales")
    qr_link_template: str = setting("https://r.example.cn/r/{out_trade_no}",
                                    doc="e-receipt link printed as QR when the receipt "
                                        "has none; empty = no QR")
    retry_interval_s: float = setting(2.0, min=0.1, max=600.0,
                                      doc="print worker: wait between status checks "
                                          "while the printer is not ready")
