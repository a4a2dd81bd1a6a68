"""Printing for the command line: human text or JSON, errors on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def print_error(message: str) -> None:
    print(message, file=sys.stderr)


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
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
