"""How a shopper recognises their own account on a face-pay confirmation without
strangers reading it: the name with all but its last character hidden and the phone
with its middle hidden ("*明 138****0100"), as Chinese face-pay devices show it.

A member name is optional, short and printable; it is checked here so every entry
point (kiosk enrolment, CLI, demo) refuses the same names with the same sentence."""

from __future__ import annotations

import unicodedata

from terminal.errors import UserFacingError

MAX_NAME_CHARS = 32


def check_member_name(name: str) -> str:
    """The name trimmed; "" when none. Raises UserFacingError naming the field."""
    name = (name or "").strip()
    if len(name) > MAX_NAME_CHARS or any(unicodedata.category(c).startswith("C")
                                         for c in name):
        raise UserFacingError(f"会员姓名无效 / Invalid member name (at most {MAX_NAME_CHARS} "
                              "printable characters)")
    return name


def mask_name(name: str) -> str:
    """All but the last character hidden: "王小明" → "**明", "Ann Lee" → "******e"."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    return "*" * (len(name) - 1) + name[-1]


def mask_phone(phone: str) -> str:
    """The first three and the last four digits: "13800000100" → "138****0100"."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) == 13 and digits.startswith("86"):      # +86 before a mainland mobile
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * max(0, len(digits) - 4) + digits[-4:]
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def shopper_label(name: str, phone: str, fallback: str) -> str:
    """What the confirmation shows: masked name and phone, or ``fallback`` (the masked
    member number) when neither is known."""
    parts = [part for part in (mask_name(name), mask_phone(phone) if phone else "") if part]
    return " ".join(parts) if parts else fallback
