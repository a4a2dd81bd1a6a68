"""Paging for list commands (``journal list``, ``queue list``): no silent row limits.

``--limit N`` (default per command), ``--offset O`` and ``--all``. ``--json`` prints one
object: ``{"items": [...], "total": N, "offset": O, "limit": L (null with --all),
"truncated": bool, "next_offset": N or null}``; ``truncated`` is true whenever rows
exist beyond this page, and ``next_offset`` is where the next page starts. Human output
ends with a line that says the listing was cut and how to see the rest.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from terminal.bilingual import Bilingual


def _count(text: str, *, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}; got {value}")
    return value


def add_paging_args(parser: argparse.ArgumentParser, *, default_limit: int) -> None:
    parser.add_argument("--limit", type=lambda t: _count(t, least=1), default=default_limit,
                        help=f"rows per page (default {default_limit})")
    parser.add_argument("--offset", type=lambda t: _count(t, least=0), default=0,
                        help="skip this many rows first")
    parser.add_argument("--all", action="store_true", help="every row, no page limit")


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    offset: int
    limit: int | None          # None: --all

    @property
    def truncated(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def next_offset(self) -> int | None:
        return self.offset + len(self.items) if self.truncated else None

    def as_json(self, item: Callable[[Any], Any] = lambda x: x) -> dict:
        return {"items": [item(x) for x in self.items], "total": self.total,
                "offset": self.offset, "limit": self.limit, "truncated": self.truncated,
                "next_offset": self.next_offset}

    def footer(self) -> Bilingual | None:
        """The line under a human listing: what is shown of how many, how to see more."""
        if not self.truncated and self.offset == 0:
            return None
        first, last = self.offset + 1, self.offset + len(self.items)
        shown = f"{first}-{last}" if self.items else "0"
        more = (f"；用 --offset {self.next_offset} 查看后续，或 --all 查看全部"
                if self.truncated else "")
        more_en = (f"; --offset {self.next_offset} for the next page, or --all"
                   if self.truncated else "")
        return Bilingual(f"（已截断）显示第 {shown} 条，共 {self.total} 条{more}"
                         if self.truncated else f"显示第 {shown} 条，共 {self.total} 条",
                         f"(cut) showing {shown} of {self.total}{more_en}"
                         if self.truncated else f"showing {shown} of {self.total}")


def page_of(args, total: int, fetch: Callable[[int | None, int], Sequence]) -> Page:
    """Fetch one page as the arguments ask: ``fetch(limit or None, offset)``."""
    limit = None if args.all else args.limit
    offset = 0 if args.all else args.offset
    return Page(list(fetch(limit, offset)), total, offset, limit)


def slice_page(args, rows: Sequence) -> Page:
    """A page of a list already in memory."""
    return page_of(args, len(rows), lambda limit, offset: rows[offset:None if limit is None
                                                               else offset + limit])
