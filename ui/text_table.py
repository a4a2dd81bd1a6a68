"""Plain aligned text tables for terminals, where CJK characters take two columns."""

from __future__ import annotations

import unicodedata


def print_table(rows: list[dict], columns: list[str]) -> None:
    """A plain aligned table; CJK characters count as two columns."""
    if not rows:
        print("(none / 无)")
        return
    widths = {c: max(display_width(c), *(display_width(str(r.get(c, ""))) for r in rows))
              for c in columns}
    print("  ".join(pad(c, widths[c]) for c in columns))
    for row in rows:
        print("  ".join(pad(str(row.get(c, "")), widths[c]) for c in columns))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
