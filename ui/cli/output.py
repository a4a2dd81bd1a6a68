"""Printing for the command line: human text or JSON, errors on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from ui.text_table import display_width, pad, print_table

__all__ = ["display_width", "pad", "print_error", "print_json", "print_table"]


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def print_error(message: str) -> None:
    print(message, file=sys.stderr)
