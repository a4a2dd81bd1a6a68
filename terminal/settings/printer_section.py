"""The receipt printer."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.printer_port import parse_printer_port
from terminal.settings.schema import setting

#: Every name ``drivers/printer/profiles.py`` accepts (python-escpos' capability database
#: models payterm can drive, payterm's own models and the first version's names as
#: aliases). A test keeps the two lists equal; the domain layer cannot import the
#: driver to read them.
PROFILE_NAMES = (
    "CT-S651", "default", "epson-tm-t20", "epson-tm-t88", "generic-58", "generic-80",
    "KR-306", "NT-5890K", "NT-80-V-UL", "P822D", "POS-5890", "rongta-80", "RP-F10-58mm",
    "RP-F10-80mm", "RP326", "simple", "Sunmi-V2", "T-1", "TEP-200M", "TH230", "TH230Plus",
    "TM-L90", "TM-P80", "TM-P80-42col", "TM-T20II", "TM-T20II-42col", "TM-T88II",
    "TM-T88III", "TM-T88IV", "TM-T88IV-SA", "TM-T88V", "xprinter-58", "xprinter-80",
    "ZJ-5870", "zywell-80")


@dataclass(frozen=True)
class PrinterSettings:
    enabled: bool = setting(True)
    port: str = setting("/dev/payterm-printer",
                        doc="serial device path, tcp://HOST:9100 (LAN printer) or "
                            "usb://VID:PID (USB printer)")
    baud: int = setting(9600, choices=(2400, 4800, 9600, 19200, 38400, 57600, 115200),
                        doc="serial only")
    profile: str = setting("generic-80", choices=PROFILE_NAMES,
                           doc="printer model (payterm printer profiles lists them)")
    status_timeout_ms: int = setting(40, min=5, max=2000,
                                     doc="wait for all four DLE EOT replies, beyond the "
                                         "wire time of bytes still in flight")
    write_timeout_s: float = setting(10.0, min=0.1, max=120.0,
                                     doc="one chunk may block this long (flow control)")
    chunk_bytes: int = setting(256, min=16, max=65536, doc="bytes per write")
    drawer_kick: bool = setting(False, doc="open the cash drawer (ESC p) on cash sales")
    qr_link_template: str = setting("https://r.example.cn/r/{out_trade_no}",
                                    doc="e-receipt link printed as QR when the receipt "
                                        "has none; empty = no QR")
    retry_interval_s: float = setting(2.0, min=0.1, max=600.0,
                                      doc="print worker: wait between status checks "
                                          "while the printer is not ready")
    confirm_print_end: bool = setting(True, doc="after each receipt ask GS r 1 and wait "
                                                "until the printer has printed it all")
    print_end_timeout_s: float = setting(10.0, min=0.5, max=120.0,
                                         doc="longest wait for that answer while the "
                                             "printer stays ready")
    connect_timeout_s: float = setting(3.0, min=0.2, max=60.0,
                                       doc="LAN printer: TCP connect timeout")
    keepalive_idle_s: int = setting(10, min=1, max=3600,
                                    doc="LAN printer: TCP keep-alive after this idle time")
    lan_latency_ms: int = setting(150, min=1, max=5000,
                                  doc="LAN printer: extra wait for status replies (round "
                                      "trip)")

    def __post_init__(self) -> None:
        parse_printer_port(self.port)       # ConfigError naming printer.port
