"""Declaring validated settings fields.

Each section is a frozen dataclass whose fields carry their limits in metadata
(``setting(default, min=..., max=..., choices=...)``). The loader uses them to convert
and check TOML and environment values; a bad value stops start-up with a message that
names the key, e.g. ``setting 'printer.baud': must be one of 9600, 19200, ...``.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any


def setting(default: Any, *, min: float | None = None, max: float | None = None,
            choices: tuple[Any, ...] | None = None, secret: bool = False, doc: str = "") -> Any:
    """A settings field. ``secret`` fields are redacted in ``config show`` and bundles."""
    meta = {"min": min, "max": max, "choices": choices, "secret": secret, "doc": doc}
    if isinstance(default, (list, dict, set)):
        raise TypeError("use tuples for sequence settings so that settings stay immutable")
    return field(default=default, metadata=meta)
