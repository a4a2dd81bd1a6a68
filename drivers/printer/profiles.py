"""Printer profiles: python-escpos' capability database (escpos-printer-db) plus what
payterm knows about printers sold in China.

The database gives, per model: vendor, font A columns, paper width in dots, cutter,
native QR, Code128 (``barcodeB``), raster images and code pages. It is read straight
from the ``capabilities.json`` file python-escpos ships (importing
``escpos.capabilities`` would call ``logging.basicConfig`` on the root logger and
leave a temporary folder per process).

What the database does not know (its code pages are single-byte Western ones), payterm
adds in ``profile_overrides``: Chinese text through ``FS &`` in GB18030 or GBK, ``FS !``
for double-size Chinese on clones, serial defaults, and corrections where an entry is
wrong or incomplete. Every override is listed with the reason in ``payterm printer
profiles``. Models that cannot print a payterm receipt (Star line mode, customer
displays, printers with neither native QR nor raster images) are listed as excluded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import metadata, resources
from typing import Any

from drivers.printer.profile_overrides import ALIASES, MODEL_OVERRIDES, PAYTERM_MODELS, ModelOverride
from terminal.errors import ConfigError

KEY = "printer.profile"
DOTS_PER_COLUMN = 12          # font A is 12 dots wide (CJK characters 24)


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    models: str                  # who this profile is for (shown in docs and CLI)
    columns: int                 # font A characters per line
    dots_per_line: int           # printable width in dots
    encoding: str                # "gb18030" or "gbk": what the Chinese font understands
    native_qr: bool              # implements GS ( k; else the QR is a raster image
    cut: str                     # key of commands.CUTS ("none": tear bar, no cutter)
    default_baud: int
    flow_control: str            # "none", "xonxoff" or "rtscts"
    parity: str = "N"            # "N", "E", "O"
    qr_module_dots: int = 6
    chinese_size_via_fs: bool = False   # needs FS ! for double-size Chinese
    vendor: str = ""
    code128: bool = True         # GS k 73 (the database's barcodeB)
    raster: bool = True          # GS v 0
    print_end_ack: bool = True   # answers GS r 1 after processing what came before
    paper_width_mm: float = 0.0  # printable width from the database (0: unknown)
    code_pages: tuple[str, ...] = ()
    source: str = "python-escpos"        # or "payterm" for models not in the database
    base: str = ""                       # the database entry it is built on
    overrides: tuple[str, ...] = ()      # what payterm changed, with the reason
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def paper_mm(self) -> int:
        return 58 if self.dots_per_line <= 432 else 80

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "vendor": self.vendor, "models": self.models,
                "source": self.source, "base": self.base, "columns": self.columns,
                "dots_per_line": self.dots_per_line, "paper_mm": self.paper_mm,
                "printable_width_mm": self.paper_width_mm or None,
                "chinese": {"command": "FS &", "encoding": self.encoding,
                            "double_size_via_fs": self.chinese_size_via_fs},
                "qr": "native" if self.native_qr else "raster",
                "qr_module_dots": self.qr_module_dots, "code128": self.code128,
                "cut": self.cut, "print_end_ack": self.print_end_ack,
                "serial": {"baud": self.default_baud, "flow_control": self.flow_control,
                           "parity": self.parity},
                "code_pages": list(self.code_pages), "overrides": list(self.overrides),
                "aliases": list(self.aliases)}


@dataclass(frozen=True)
class ExcludedModel:
    name: str
    vendor: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "vendor": self.vendor, "reason": self.reason}


def database() -> dict[str, Any]:
    """The capability database exactly as python-escpos ships it."""
    return _database()


@lru_cache(maxsize=1)
def _database() -> dict[str, Any]:
    text = (resources.files("escpos") / "capabilities.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def database_version() -> str:
    return f"python-escpos {metadata.version('python-escpos')} capabilities.json"


def exclusion_reason(entry: dict[str, Any]) -> str:
    """Why a database model cannot print a payterm receipt ("" when it can)."""
    features = entry.get("features", {})
    if features.get("starCommands"):
        return "Star line-mode printer: speaks Star commands, not ESC/POS"
    if not features.get("qrCode") and not features.get("bitImageRaster"):
        return ("cannot print the receipt's QR code: neither native QR (GS ( k) nor raster "
                "images (GS v 0); customer displays and impact printers are in this group")
    return ""


def _known(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _from_database(key: str, entry: dict[str, Any], override: ModelOverride) -> PrinterProfile:
    features = entry.get("features", {})
    media = entry.get("media", {}).get("width", {})
    columns = int(entry["fonts"]["0"]["columns"])
    dots = int(_known(media.get("pixels"))) or columns * DOTS_PER_COLUMN
    if features.get("paperPartCut"):
        cut = "partial"
    elif features.get("paperFullCut"):
        cut = "full"
    else:
        cut = "none"
    pages = tuple(p for p in dict.fromkeys(entry.get("codePages", {}).values()) if p != "Unknown")
    profile = PrinterProfile(
        name=key, models=f"{entry.get('vendor', '')} {entry.get('name', key)}".strip(),
        vendor=entry.get("vendor", ""), columns=columns, dots_per_line=dots,
        encoding="gbk", native_qr=bool(features.get("qrCode")), cut=cut, default_baud=9600,
        flow_control="none", chinese_size_via_fs=True,
        code128=bool(features.get("barcodeB")), raster=bool(features.get("bitImageRaster")),
        paper_width_mm=_known(media.get("mm")), code_pages=pages, base=key)
    return override.apply(profile)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, PrinterProfile], tuple[ExcludedModel, ...]]:
    profiles: dict[str, PrinterProfile] = {}
    excluded: list[ExcludedModel] = []
    for key, entry in sorted(_database()["profiles"].items(), key=lambda kv: kv[0].lower()):
        reason = exclusion_reason(entry)
        if reason:
            excluded.append(ExcludedModel(key, entry.get("vendor", ""), reason))
            continue
        profiles[key] = _from_database(key, entry, MODEL_OVERRIDES.get(key, ModelOverride()))
    base = _database()["profiles"]["default"]
    for name, override in PAYTERM_MODELS.items():
        profile = _from_database("default", base, ModelOverride())
        profiles[name] = override.apply(profile, name=name, source="payterm")
    by_target: dict[str, list[str]] = {}
    for alias, target in ALIASES.items():
        by_target.setdefault(target, []).append(alias)
    for target, names in by_target.items():
        profiles[target] = replace(profiles[target], aliases=tuple(sorted(names)))
    return profiles, tuple(excluded)


def list_profiles() -> list[PrinterProfile]:
    """Every usable profile, database models and payterm's own, sorted by name."""
    return sorted(_catalogue()[0].values(), key=lambda p: p.name.lower())


def excluded_models() -> list[ExcludedModel]:
    """Database models payterm cannot drive, each with the reason."""
    return list(_catalogue()[1])


def profile_names() -> tuple[str, ...]:
    """Every name ``printer.profile`` accepts: profiles and their aliases."""
    return tuple(sorted(list(_catalogue()[0]) + list(ALIASES), key=str.lower))


def get_profile(name: str) -> PrinterProfile:
    """The profile called ``name`` (or an alias of it); ConfigError naming the setting."""
    profiles, excluded = _catalogue()
    target = ALIASES.get(name, name)
    if target in profiles:
        return profiles[target]
    for model in excluded:
        if model.name == name:
            raise ConfigError(KEY, f"printer model {name!r} cannot be used: {model.reason}")
    raise ConfigError(KEY, f"unknown printer model {name!r}; `payterm printer profiles` "
                           f"lists the {len(profiles)} known ones (e.g. generic-80, TM-T20II, "
                           "RP326)")


class _ProfilesView(dict[str, PrinterProfile]):
    """``PROFILES[name]`` for callers of the first version (aliases resolve too)."""

    def __missing__(self, name: str) -> PrinterProfile:
        if name in ALIASES:
            return self[ALIASES[name]]
        raise KeyError(name)


PROFILES: dict[str, PrinterProfile] = _ProfilesView(
    {p.name: p for p in list_profiles()})
