"""The emulated printer's injectable state and the status bytes it answers with."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from drivers.printer.status_bytes import encode_paper_sensor, encode_status


@dataclass(frozen=True)
class PrinterFaults:
    paper_out: bool = False
    cover_open: bool = False
    offline: bool = False                # offline (e.g. the FEED button held, or an error)
    paper_near_end: bool = False
    cutter_error: bool = False
    silent: bool = False                 # never answers DLE EOT (dead status line)
    garble_status: bool = False          # answers bytes without the fixed status bits
    #: Run out of paper after this many more content bytes (None = never): simulates
    #: the roll ending in the middle of a receipt.
    paper_out_after_bytes: int | None = None
    #: Someone opens the cover after this many more content bytes (None = never).
    cover_open_after_bytes: int | None = None
    #: The link drops after this many more stream bytes (None = never): on TCP the
    #: printer's network module resets the connection; what it had received still
    #: prints, the rest of the job never arrives.
    disconnect_after_bytes: int | None = None
    #: The printer loses power after this many more stream bytes (None = never): the
    #: connection dies, everything received but not yet printed is lost, and the
    #: printer is unreachable for ``boot_s`` seconds while it restarts.
    power_cycle_after_bytes: int | None = None
    boot_s: float = 0.5

    @property
    def can_print(self) -> bool:
        return not (self.paper_out or self.cover_open or self.cutter_error or self.offline)

    def status_reply(self, n: int) -> bytes:
        """The one-byte answer to ``DLE EOT n`` (empty when silent)."""
        if self.silent:
            return b""
        if self.garble_status:
            return b"\xff"
        full = encode_status(offline=self.offline, paper_out=self.paper_out,
                             cover_open=self.cover_open,
                             paper_near_end=self.paper_near_end,
                             cutter_error=self.cutter_error)
        return full[n - 1:n] if 1 <= n <= 4 else b""

    def paper_sensor_reply(self) -> bytes:
        """The answer to ``GS r 1`` (empty when silent): sent when the printer reaches
        the command in its buffer, i.e. after printing everything before it."""
        if self.silent:
            return b""
        if self.garble_status:
            return b"\xff"
        return encode_paper_sensor(paper_out=self.paper_out,
                                   paper_near_end=self.paper_near_end)

    def with_changes(self, **changes: Any) -> "PrinterFaults":
        return replace(self, **changes)
