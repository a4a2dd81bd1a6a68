"""``out_trade_no``: the idempotency key of one payment attempt.

Format: ``<terminal id><yyMMdd><sequence>`` with the sequence zero-padded to 8 digits,
at most 32 characters, only [A-Za-z0-9]. The sequence comes from the durable journal
(it never goes back, across restarts), so the number is unique on this terminal for
ever; the terminal id makes it unique across terminals of one merchant.

It is made once per attempt and never regenerated for a retry of the same attempt: a
retry with a fresh number could charge the customer twice.
"""

from __future__ import annotations

import re
from datetime import date

MAX_LENGTH = 32
SEQUENCE_DIGITS = 8
_TERMINAL_ID = re.compile(r"^[A-Za-z0-9]{1,16}$")
_TRADE_NO = re.compile(r"^[A-Za-z0-9]{1,32}$")


def validate_terminal_id(terminal_id: str) -> str:
    if not _TERMINAL_ID.match(terminal_id or ""):
        raise ValueError("terminal id must be 1-16 letters or digits")
    return terminal_id


def make_trade_no(terminal_id: str, day: date, sequence: int) -> str:
    """Compose the number; ``sequence`` is the journal's next value (1, 2, ...)."""
    validate_terminal_id(terminal_id)
    if sequence < 1 or sequence >= 10 ** SEQUENCE_DIGITS:
        raise ValueError(f"sequence {sequence} out of range")
    trade_no = f"{terminal_id}{day:%y%m%d}{sequence:0{SEQUENCE_DIGITS}d}"
    assert len(trade_no) <= MAX_LENGTH
    return trade_no


def is_valid_trade_no(text: str) -> bool:
    return bool(_TRADE_NO.match(text or ""))
