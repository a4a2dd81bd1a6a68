"""Printing: JSON exactly (UTF-8, nothing escaped or cut) or aligned text."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import Any


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def print_error(message: str) -> None:
    print(message, file=sys.stderr)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """An aligned table; every row printed (no limit); CJK counts as two columns."""
    if not rows:
        print("(none / 无)")
        return
    widths = {c: max(width(c), *(width(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c + " " * (widths[c] - width(c)) for c in columns))
    for row in rows:
        cells = [str(row.get(c, "")) for c in columns]
        print("  ".join(cell + " " * (widths[c] - width(cell)) for c, cell in zip(columns, cells)))
