"""``out_trade_no``: the idempotency key of one payment attempt.

Format: ``<terminal id><journal epoch><sequence>``: the terminal id (1-16 letters or
digits), the journal's epoch (8 random digits, made once when the journal's store is
created) and the sequence zero-padded to 8 digits; at most 32 characters, only
[A-Za-z0-9] (docs/host.md allows 1-64 of [A-Za-z0-9_-]; hosts never parse it). Epoch
and sequence have fixed widths, so numbers of different terminal ids never collide.

The sequence comes from the durable journal and never goes back; the epoch makes the
numbers of a journal that was lost and started again (``payterm journal new``) differ
from the old journal's, whatever happened to it. Letters and digits only, and digits
after the terminal id, keep the receipt's Code128 barcode short (2-dot modules on 58 mm
paper).

It is made once per attempt and never regenerated for a retry of the same attempt: a
retry with a fresh number could charge the customer twice.
"""

from __future__ import annotations

import re
import secrets

MAX_LENGTH = 32
EPOCH_DIGITS = 8
SEQUENCE_DIGITS = 8
_TERMINAL_ID = re.compile(r"[A-Za-z0-9]{1,16}")
_EPOCH = re.compile(rf"[0-9]{{{EPOCH_DIGITS}}}")
#: What docs/host.md allows any host to receive.
_TRADE_NO = re.compile(r"[A-Za-z0-9_-]{1,64}")


def validate_terminal_id(terminal_id: str) -> str:
    if not _TERMINAL_ID.fullmatch(terminal_id or ""):
        raise ValueError("terminal id must be 1-16 letters or digits")
    return terminal_id


def new_epoch() -> str:
    """A random journal epoch (made once per journal store)."""
    return f"{secrets.randbelow(10 ** EPOCH_DIGITS):0{EPOCH_DIGITS}d}"


def make_trade_no(terminal_id: str, epoch: str, sequence: int) -> str:
    """Compose the number; ``sequence`` is the journal's next value (1, 2, ...)."""
    validate_terminal_id(terminal_id)
    if not _EPOCH.fullmatch(epoch or ""):
        raise ValueError(f"journal epoch must be {EPOCH_DIGITS} digits")
    if sequence < 1 or sequence >= 10 ** SEQUENCE_DIGITS:
        raise ValueError(f"sequence {sequence} out of range")
    trade_no = f"{terminal_id}{epoch}{sequence:0{SEQUENCE_DIGITS}d}"
    assert len(trade_no) <= MAX_LENGTH
    return trade_no


def is_valid_trade_no(text: str) -> bool:
    """True for any number a host may be sent (ours or an older format)."""
    return bool(_TRADE_NO.fullmatch(text or ""))
