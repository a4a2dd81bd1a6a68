"""The emulated printer's injectable state and the status bytes it answers with."""

from __future__ import annotations

from dataclasses import dataclass, replace

from drivers.printer.status_bytes import encode_status


@dataclass(frozen=True)
class PrinterFaults:
    paper_out: bool = False
    cover_open: bool = False
    paper_near_end: bool = False
    cutter_error: bool = False
    silent: bool = False                 # never answers DLE EOT (dead status line)
    garble_status: bool = False          # answers bytes without the fixed status bits
    #: Run out of paper after this many more content bytes (None = never): simulates
    #: the roll ending in the middle of a receipt.
    paper_out_after_bytes: int | None = None
    #: Someone opens the cover after this many more content bytes (None = never).
    cover_open_after_bytes: int | None = None

    @property
    def can_print(self) -> bool:
        return not (self.paper_out or self.cover_open or self.cutter_error)

    def status_reply(self, n: int) -> bytes:
        """The one-byte answer to ``DLE EOT n`` (empty when silent)."""
        if self.silent:
            return b""
        if self.garble_status:
            return b"\xff"
        full = encode_status(paper_out=self.paper_out, cover_open=self.cover_open,
                             paper_near_end=self.paper_near_end,
                             cutter_error=self.cutter_error)
        return full[n - 1:n] if 1 <= n <= 4 else b""

    def with_changes(self, **changes) -> "PrinterFaults":
        return replace(self, **changes)
