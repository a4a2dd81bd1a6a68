"""How the technician screen names a setting and shows its value: the section in the
screen's language, the name in words with its unit, and amounts in yuan (the file keeps
fen; a typed yuan amount goes back to fen before the settings check)."""

from __future__ import annotations

from terminal.errors import UserFacingError
from terminal.money import parse_amount, to_yuan_string
from ui.kiosk.screens.setting_names import BY_KEY, NAMES, PARTS

SECTIONS = {"terminal": ("终端", "Terminal"), "host": ("支付平台", "Payment host"),
            "resolver": ("结果确认", "Resolver"), "storage": ("存储", "Storage"),
            "offline": ("离线", "Offline"), "logging": ("日志", "Logging"),
            "printer": ("打印机", "Printer"), "camera": ("摄像头", "Camera"),
            "scanner": ("扫码枪", "Scanner"), "face": ("刷脸", "Face-pay"),
            "kiosk": ("界面", "Screens"), "technician": ("技术员", "Technician"),
            "diagnostics": ("自检", "Diagnostics"), "pos_api": ("收银机接口", "POS API")}
UNITS = {"_fen": ("元", "yuan"), "_s": ("秒", "s"), "_ms": ("毫秒", "ms"),
         "_pct": ("%", "%"), "_percent": ("%", "%"), "_mb": ("MB", "MB"),
         "_px": ("像素", "px")}


#: Lists of "name:price" whose prices the file keeps in fen (the canteen's items).
PRICED_LISTS = {"kiosk.fixed_price_items": ("名称:元", "name:yuan")}


def is_amount(key: str) -> bool:
    return key.endswith("_fen")


def setting_label(key: str, english: bool) -> str:
    """"terminal.max_amount_fen" → "终端 · 单笔最大金额 (元)" / "Terminal · max amount
    (yuan)"; a key without a Chinese name falls back to its words."""
    section, _, name = key.partition(".")
    words, unit = name, ""
    for suffix, names in UNITS.items():
        if name.endswith(suffix):
            words, unit = name[: -len(suffix)], names[1 if english else 0]
            break
    place = SECTIONS.get(section, (section, section))[1 if english else 0]
    text = f"{place} · {words.replace('_', ' ').replace('.', ' ')}"
    if not english:
        text = f"{place} · {_chinese_name(section, words)}"
    if key in PRICED_LISTS:
        unit = PRICED_LISTS[key][1 if english else 0]
    return f"{text} ({unit})" if unit else text


def _chinese_name(section: str, words: str) -> str:
    *parts, last = words.split(".")
    name = BY_KEY.get(f"{section}.{last}") or NAMES.get(last) or last.replace("_", " ")
    return " · ".join([PARTS.get(part, part) for part in parts] + [name])


def shown_value(key: str, value: str) -> str:
    """The value as the technician reads it (amounts in yuan)."""
    if is_amount(key) and value.lstrip("-").isdigit():
        return to_yuan_string(int(value))
    if key in PRICED_LISTS:
        return ", ".join(_priced(entry, _fen_to_yuan) for entry in _entries(value))
    return value


def _entries(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _priced(entry: str, convert) -> str:
    """"豆浆:300" with its price converted; an entry that is not "name:price" as it is."""
    name, sep, price = entry.rpartition(":")
    converted = convert(price.strip()) if sep and name.strip() else None
    return f"{name.strip()}:{converted}" if converted is not None else entry


def _fen_to_yuan(price: str) -> str | None:
    return to_yuan_string(int(price)) if price.isdigit() else None


def _yuan_to_fen(price: str) -> str | None:
    try:
        return str(parse_amount(price.lstrip("￥¥"), max_fen=10**12))
    except UserFacingError:
        return None


def stored_value(key: str, text: str) -> str:
    """What the technician typed, back in the file's unit (yuan → fen); text that is
    not an amount goes on unchanged so the settings check names the key."""
    if key in PRICED_LISTS:
        return ", ".join(_priced(entry, _yuan_to_fen) for entry in _entries(text))
    if not is_amount(key):
        return text
    cleaned = text.strip().lstrip("￥¥")
    if cleaned.replace("0", "").replace(".", "") == "" and cleaned.count(".") <= 1 \
            and cleaned.strip("."):
        return "0"
    try:
        return str(parse_amount(cleaned, max_fen=10**12))
    except UserFacingError:
        return text
