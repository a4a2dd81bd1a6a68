"""Printer profiles: what differs between the printers payterm supports.

Factory defaults differ by model and by batch; the technician confirms the baud rate
on the printer's self-test page (or with ``payterm printer detect``) and overrides it
in settings. ``generic-*`` profiles assume only what every clone implements.
"""

from __future__ import annotations

from dataclasses import dataclass

from terminal.errors import ConfigError


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    models: str                  # who this profile is for (shown in docs and CLI)
    columns: int                 # font A characters per line: 32 (58 mm) / 48 (80 mm)
    dots_per_line: int           # 384 (58 mm) / 576 (80 mm) at 203 dpi
    encoding: str                # "gb18030" or "gbk": what the Chinese font understands
    native_qr: bool              # implements GS ( k
    cut: str                     # key of commands.CUTS
    default_baud: int
    flow_control: str            # "none", "xonxoff" or "rtscts"
    parity: str = "N"            # "N", "E", "O"
    qr_module_dots: int = 6
    chinese_size_via_fs: bool = False   # needs FS ! for double-size Chinese

    @property
    def paper_mm(self) -> int:
        return 58 if self.columns <= 32 else 80


PROFILES: dict[str, PrinterProfile] = {p.name: p for p in (
    PrinterProfile("generic-58", "any ESC/POS 58 mm printer", 32, 384, "gbk", True,
                   "full", 9600, "none", qr_module_dots=5, chinese_size_via_fs=True),
    PrinterProfile("generic-80", "any ESC/POS 80 mm printer", 48, 576, "gb18030", True,
                   "partial", 9600, "none", chinese_size_via_fs=True),
    PrinterProfile("epson-tm-t20", "Epson TM-T20/T20II/T20III (Simplified Chinese)", 48,
                   576, "gb18030", True, "feed-partial", 38400, "rtscts"),
    PrinterProfile("epson-tm-t88", "Epson TM-T88IV/V/VI (Simplified Chinese)", 48, 576,
                   "gb18030", True, "feed-partial", 38400, "rtscts"),
    PrinterProfile("xprinter-58", "Xprinter XP-58 class", 32, 384, "gbk", True, "full",
                   9600, "xonxoff", qr_module_dots=5, chinese_size_via_fs=True),
    PrinterProfile("xprinter-80", "Xprinter XP-80/XP-C260 class", 48, 576, "gbk", True,
                   "partial", 9600, "xonxoff", chinese_size_via_fs=True),
    PrinterProfile("zywell-80", "Zywell ZY306/ZY609 class", 48, 576, "gbk", True,
                   "feed-partial", 9600, "xonxoff", chinese_size_via_fs=True),
    PrinterProfile("rongta-80", "Rongta RP80/RP326 class", 48, 576, "gb18030", True,
                   "partial", 19200, "rtscts", chinese_size_via_fs=True),
)}


def get_profile(name: str) -> PrinterProfile:
    """The profile called ``name``; ConfigError naming the setting otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError("printer.profile", f"unknown printer profile {name!r}; known: "
                          f"{', '.join(sorted(PROFILES))}") from None
