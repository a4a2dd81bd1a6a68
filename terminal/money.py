"""Money as an integer number of fen (1 yuan = 100 fen).

Yuan strings exist only at the host boundary (``to_yuan_string``) and on paper
(``format_amount``); everything in between is ``int`` fen so that no float ever
touches an amount.
"""

from __future__ import annotations

import re

from terminal.errors import UserFacingError

#: The fullwidth yen/yuan sign. GB18030 and GBK encode it (0xA3A4); the halfwidth
#: U+00A5 has no GBK mapping and prints as "?" on Chinese printers.
YUAN_SIGN = "\uffe5"

_AMOUNT = re.compile(r"^(?P<yuan>[0-9]+)(?:\.(?P<fen>[0-9]{1,2}))?$", re.ASCII)


class AmountError(UserFacingError):
    """An amount that cannot be charged; ``field`` names the input it came from."""

    def __init__(self, message: str, *, user_message: str | None = None,
                 field: str = "") -> None:
        self.field = field
        prefix = f"{field}: " if field else ""
        super().__init__(prefix + message,
                         user_message=prefix + user_message if user_message else None)


#: No amount a terminal takes needs more characters ("￥1000000.00" is 11).
MAX_AMOUNT_CHARS = 16


def parse_amount(text: str, *, max_fen: int, field: str = "") -> int:
    """Parse "12.34", "12.3" or "12" (yuan) into fen.

    Rejects negatives, zero, more than two decimals, anything but ASCII digits and one
    dot (so no NaN, infinity, exponents or fullwidth digits), text longer than
    ``MAX_AMOUNT_CHARS`` (thousands of digits end here, not in ``int()``), and amounts
    above ``max_fen``. Raises AmountError naming ``field`` with a bilingual sentence.
    """
    if not isinstance(text, str):
        raise AmountError(f"must be text like 12.34, got {type(text).__name__}",
                          user_message="请输入正确的金额 / Please enter a valid amount",
                          field=field)
    cleaned = text.strip()
    if len(cleaned) > MAX_AMOUNT_CHARS:
        raise AmountError(f"{len(cleaned)} characters is not an amount",
                          user_message="金额位数过多 / The amount has too many digits",
                          field=field)
    if cleaned.startswith(YUAN_SIGN) or cleaned.startswith("\u00a5"):
        cleaned = cleaned[1:].strip()
    if cleaned.startswith("-"):
        raise AmountError(f"negative amount {text!r}",
                          user_message="金额不能为负 / The amount cannot be negative",
                          field=field)
    match = _AMOUNT.match(cleaned)
    if not match:
        if re.match(r"^[0-9]+\.[0-9]{3,}$", cleaned):
            raise AmountError(f"more than two decimals in {text!r}",
                              user_message="金额最多两位小数 / At most two decimals",
                              field=field)
        raise AmountError(f"not an amount: {text!r}",
                          user_message="请输入正确的金额 / Please enter a valid amount",
                          field=field)
    fen_part = (match.group("fen") or "").ljust(2, "0")
    fen = int(match.group("yuan")) * 100 + int(fen_part or "0")
    return validate_fen(fen, max_fen=max_fen, field=field)


def validate_fen(fen: int, *, max_fen: int, field: str = "") -> int:
    """Check an amount already in fen: a whole positive number not above the maximum."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise AmountError(f"amount must be whole fen, got {type(fen).__name__}",
                          user_message="金额必须是整数分 / The amount must be whole fen",
                          field=field)
    if fen <= 0:
        raise AmountError("amount must be positive, got "
                          + (f"{fen} fen" if fen.bit_length() <= 64 else "a huge negative"),
                          user_message="金额必须大于零 / The amount must be more than zero",
                          field=field)
    if fen > max_fen:
        shown = f"{fen} fen" if fen.bit_length() <= 64 else "a number of thousands of digits"
        raise AmountError(
            f"amount {shown} is above the maximum {max_fen} fen",
            user_message=f"金额超过上限 {format_amount(max_fen)} / "
                         f"Amount above the limit {format_amount(max_fen)}", field=field)
    return fen


def to_yuan_string(fen: int) -> str:
    """Fen to the host's ``total_amount`` form: "12.34" (always two decimals)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def from_yuan_string(text: str) -> int:
    """The host's "12.34" back to fen (exactly two decimals or fewer; may be zero)."""
    match = _AMOUNT.match(text.strip())
    if not match:
        raise ValueError(f"not a yuan amount: {text!r}")
    return int(match.group("yuan")) * 100 + int((match.group("fen") or "").ljust(2, "0") or "0")


def format_amount(fen: int) -> str:
    """Fen for people: "￥12.34" (fullwidth sign, see YUAN_SIGN)."""
    return f"{YUAN_SIGN}{to_yuan_string(fen)}"
