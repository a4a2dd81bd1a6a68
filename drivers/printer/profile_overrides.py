"""payterm's corrections to python-escpos' capability database for printers sold in
China, and payterm's own profiles for popular models the database lacks.

The database knows the Western code pages; a Chinese receipt needs the printer's
Chinese font, switched on with ``FS &`` and fed GB18030 (Epson's Simplified Chinese
models, Rongta) or GBK (most clones: a GB18030-only character becomes ``?``). Clones
often ignore ``GS !`` for the Chinese font, so ``FS !`` is sent as well. Each override
says why, and ``payterm printer profiles`` prints the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drivers.printer.profiles import PrinterProfile

_CHINESE_EPSON = ("GB18030 via FS & on the Simplified Chinese model (the database "
                  "lists only single-byte code pages)")
_CHINESE_CLONE = ("GBK via FS & plus FS ! for double-size Chinese (the database lists "
                  "only single-byte code pages)")


@dataclass(frozen=True)
class ModelOverride:
    """Fields to replace in a profile built from the database (None: keep), and why."""

    notes: tuple[str, ...] = ()
    models: str | None = None
    vendor: str | None = None
    columns: int | None = None
    dots_per_line: int | None = None
    encoding: str | None = None
    chinese_size_via_fs: bool | None = None
    native_qr: bool | None = None
    cut: str | None = None
    default_baud: int | None = None
    flow_control: str | None = None
    qr_module_dots: int | None = None
    print_end_ack: bool | None = None
    code128: bool | None = None

    def apply(self, profile: PrinterProfile, *, name: str | None = None,
              source: str | None = None) -> PrinterProfile:
        changes = {f.name: getattr(self, f.name) for f in fields(self)
                   if f.name != "notes" and getattr(self, f.name) is not None}
        if name is not None:
            changes["name"] = name
        if source is not None:
            changes["source"] = source
        notes = self.notes
        if profile.encoding == "gbk" and changes.get("encoding", "gbk") == "gbk" and \
                not any("FS &" in note for note in notes):
            notes = (_CHINESE_CLONE,) + notes
        return replace(profile, overrides=tuple(profile.overrides) + notes, **changes)


def _epson(notes: tuple[str, ...] = (), **changes: Any) -> ModelOverride:
    return ModelOverride(notes=(_CHINESE_EPSON, "cut: GS V B 0 (feed to the cutter, then "
                                "partial cut), serial 38400 baud RTS/CTS (Epson factory "
                                "setting)") + notes,
                         encoding="gb18030", chinese_size_via_fs=False, cut="feed-partial",
                         default_baud=38400, flow_control="rtscts", **changes)


#: Corrections per database model (key = the database's profile name).
MODEL_OVERRIDES: dict[str, ModelOverride] = {
    "TM-T20II": _epson(),
    "TM-T20II-42col": _epson(),
    "TM-T88II": _epson(),
    "TM-T88III": _epson(),
    "TM-T88IV": _epson(),
    "TM-T88IV-SA": _epson(),
    "TM-T88V": _epson(),
    "TM-L90": _epson(),
    "TM-P80": _epson(),
    "TM-P80-42col": _epson(),
    "RP326": ModelOverride(
        notes=("GB18030 via FS & (Rongta's Chinese firmware)",
               "printable width 576 dots (the database says Unknown; 80 mm paper, 203 dpi)",
               "serial 19200 baud RTS/CTS (Rongta factory setting)"),
        encoding="gb18030", dots_per_line=576, default_baud=19200, flow_control="rtscts"),
    "TEP-200M": ModelOverride(
        notes=("printable width 576 dots (the database says Unknown; 80 mm paper, 203 dpi)",),
        dots_per_line=576),
    "NT-80-V-UL": ModelOverride(
        notes=("48 columns: the database lists 12 for font A, which cannot be right for "
               "576 dots with a 12-dot font",),
        columns=48),
    "default": ModelOverride(
        notes=("the database's generic ESC/POS printer: width unknown there, taken as "
               "42 columns x 12 dots = 504 dots",)),
    "simple": ModelOverride(
        notes=("the database's most basic printer: QR codes as raster images, no "
               "barcode, no cutter",)),
}

#: Popular Chinese models that are not in the database, built on its ``default`` entry.
PAYTERM_MODELS: dict[str, ModelOverride] = {
    "generic-58": ModelOverride(
        notes=("any ESC/POS 58 mm printer: 32 columns, 384 dots, full cut",),
        models="any ESC/POS 58 mm printer", vendor="Generic", columns=32,
        dots_per_line=384, cut="full", qr_module_dots=5),
    "generic-80": ModelOverride(
        notes=("any ESC/POS 80 mm printer: 48 columns, 576 dots, partial cut",
               "GB18030 via FS & plus FS ! for double-size Chinese"),
        models="any ESC/POS 80 mm printer", vendor="Generic", columns=48,
        dots_per_line=576, encoding="gb18030", cut="partial"),
    "xprinter-58": ModelOverride(
        notes=("Xprinter XP-58 class: 32 columns, 384 dots, full cut, 9600 baud XON/XOFF",),
        models="Xprinter XP-58 class", vendor="Xprinter", columns=32, dots_per_line=384,
        cut="full", flow_control="xonxoff", qr_module_dots=5),
    "xprinter-80": ModelOverride(
        notes=("Xprinter XP-80 / XP-C260 class: 48 columns, 576 dots, partial cut, 9600 "
               "baud XON/XOFF",),
        models="Xprinter XP-80/XP-C260 class", vendor="Xprinter", columns=48,
        dots_per_line=576, cut="partial", flow_control="xonxoff"),
    "zywell-80": ModelOverride(
        notes=("Zywell ZY306 / ZY609 class: 48 columns, 576 dots, feed + partial cut, "
               "9600 baud XON/XOFF",),
        models="Zywell ZY306/ZY609 class", vendor="Zywell", columns=48, dots_per_line=576,
        cut="feed-partial", flow_control="xonxoff"),
}

#: Names of the first version's hand-written profiles, kept so that existing settings
#: files go on working; each now means the database model it described.
ALIASES: dict[str, str] = {
    "epson-tm-t20": "TM-T20II",
    "epson-tm-t88": "TM-T88V",
    "rongta-80": "RP326",
}
