"""A code read from a camera frame or a scanner gun, and what the terminal makes of it.

Pure: no image library here. The drivers turn pixels into ``CodeRead`` values: the
payload's exact bytes, and the character set as the symbol decoder found it (the ECI
designator in the symbol, else zxing-cpp's detection). This module turns them into the
exact text (``Payload``; a character set is used only when the bytes round-trip through
it, otherwise the payload is binary), makes a separate display form (control characters
neutralised, long text cut with "…"), classifies it with the wallet table, chooses one
code when a frame holds several, and counts a code held in front of the camera for many
frames once.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Sequence

from terminal.bilingual import Bilingual
from terminal.payment_code import (DEFAULT_CODE_RULES, CodeRule, NotAPaymentCode, PaymentCode,
                                   classify_code)


class Symbology(str, Enum):
    QR = "qr"
    CODE128 = "code128"
    EAN13 = "ean13"


class TextEncoding(str, Enum):
    UTF8 = "utf-8"
    GB18030 = "gb18030"
    BINARY = "binary"


class CharsetSource(str, Enum):
    """Who decided the character set of a payload."""

    ECI = "eci"             # the symbol itself (an ECI designator)
    DECODER = "decoder"     # no ECI: the decoder that detects it (zxing-cpp)
    ASCII = "ascii"         # 7-bit bytes: every character set reads them alike
    RULE = "rule"           # a scanner gun's bytes: UTF-8, else GB18030 when printable
    ZBAR = "zbar"           # only ZBar read the symbol: its own re-encoding, raw unknown
    NONE = "none"           # no character set round-trips: binary


#: Character set name for a payload whose bytes are not text in any stated charset.
BINARY = "binary"


@dataclass(frozen=True)
class Payload:
    """A payload as exactly as it is known. ``text`` is None for binary data; ``exact``
    is False only when the symbol's raw bytes were not available (ZBar alone)."""

    raw: bytes
    text: str | None
    charset: str                  # a Python codec name ("utf-8", "shift_jis"…) or "binary"
    source: CharsetSource
    exact: bool = True


def round_trips(raw: bytes, charset: str) -> str | None:
    """``raw`` decoded with ``charset`` if encoding the text gives ``raw`` back."""
    try:
        text = raw.decode(charset)
        return text if text.encode(charset) == raw else None
    except (UnicodeError, LookupError):
        return None


#: The neutral stand-in for a control character: U+FFFD would hide which one it was.
_CONTROL_NAMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def payload_text(raw: bytes) -> tuple[str, TextEncoding]:
    """Text for bytes whose character set nobody stated (a scanner gun): UTF-8, else
    GB18030 (Chinese labels from older systems) when it round-trips and is printable,
    else a hex rendering reported as binary. Never raises."""
    try:
        return raw.decode("utf-8"), TextEncoding.UTF8
    except UnicodeDecodeError:
        pass
    text = round_trips(raw, "gb18030")
    # GB18030 decodes almost anything; accept it only if the result is printable text.
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return text, TextEncoding.GB18030
    return raw.hex(" "), TextEncoding.BINARY


def neutralise_controls(text: str, max_chars: int = 200) -> str:
    """Text safe for a terminal, a log line or a label: control and format characters
    (escape sequences, bidi overrides, NUL) become visible ``\\xNN``/``\\uNNNN`` escapes;
    long text is cut with an ellipsis."""
    out = []
    for ch in text:
        if ch in _CONTROL_NAMES:
            out.append(_CONTROL_NAMES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    safe = "".join(out)
    return safe if len(safe) <= max_chars else safe[: max_chars - 1] + "…"


@dataclass(frozen=True)
class CodeRead:
    """One decoded symbol. ``polygon`` is in the pixel coordinates of the frame the
    caller passed (x right, y down); empty for a scanner gun. ``charset`` and
    ``charset_source`` say how the decoder found the character set (see ``payload``)."""

    symbology: Symbology
    raw: bytes
    polygon: tuple[tuple[int, int], ...] = ()
    decoder: str = ""
    charset: str = ""
    charset_source: CharsetSource = CharsetSource.RULE

    @property
    def payload(self) -> Payload:
        """The exact payload: 7-bit bytes are ASCII whatever is claimed (every
        character set agrees on them) unless an ECI names a wider one; a charset the
        decoder named is used only when the bytes round-trip through it."""
        raw, source = self.raw, self.charset_source
        wide_eci = source is CharsetSource.ECI and self.charset not in ("", BINARY) \
            and round_trips(b"A", self.charset) != "A"
        if raw.isascii() and not wide_eci:
            return Payload(raw, raw.decode("ascii"), "ascii", CharsetSource.ASCII)
        if source is CharsetSource.ZBAR:
            text = round_trips(raw, "utf-8")
            return Payload(raw, text, "utf-8" if text is not None else BINARY,
                           source if text is not None else CharsetSource.NONE, exact=False)
        if source in (CharsetSource.ECI, CharsetSource.DECODER):
            text = round_trips(raw, self.charset) if self.charset != BINARY else None
            if text is None:
                return Payload(raw, None, BINARY, CharsetSource.NONE)
            return Payload(raw, text, self.charset, source)
        text, encoding = payload_text(raw)
        if encoding is TextEncoding.BINARY:
            return Payload(raw, None, BINARY, CharsetSource.NONE)
        return Payload(raw, text, encoding.value, CharsetSource.RULE)

    @property
    def text(self) -> str:
        """The text, or a hex rendering of binary data (for display and checks)."""
        text = self.payload.text
        return text if text is not None else self.raw.hex(" ")

    @property
    def encoding(self) -> str:
        """The character set the text was decoded with, or "binary"."""
        return self.payload.charset

    @property
    def area_px(self) -> float:
        """Area of the polygon (shoelace), 0 when there is no position."""
        pts = self.polygon
        if len(pts) < 3:
            return 0.0
        twice = sum(pts[i][0] * pts[(i + 1) % len(pts)][1] - pts[(i + 1) % len(pts)][0] * pts[i][1]
                    for i in range(len(pts)))
        return abs(twice) / 2.0

    @property
    def top_left(self) -> tuple[int, int]:
        """The polygon's bounding-box corner (y first in ordering: reading order)."""
        if not self.polygon:
            return (0, 0)
        return (min(p[1] for p in self.polygon), min(p[0] for p in self.polygon))

    def __repr__(self) -> str:  # never the payload: it may be a payment code
        return f"CodeRead({self.symbology.value}, {len(self.raw)} bytes, {self.decoder})"


@dataclass(frozen=True)
class ClassifiedRead:
    """A read plus its meaning: a payment code for checkout, or the reason it is not."""

    read: CodeRead
    payment_code: PaymentCode | None
    reason: str = ""
    user_reason: str | Bilingual = ""

    @property
    def is_payment_code(self) -> bool:
        return self.payment_code is not None

    @property
    def display_text(self) -> str:
        """What may be shown or logged: payment codes masked, everything else with its
        control characters neutralised."""
        if self.payment_code is not None:
            return self.payment_code.masked
        return neutralise_controls(self.read.text)

    def __repr__(self) -> str:
        return f"ClassifiedRead({self.read!r}, {self.display_text!r})"


def classify_read(read: CodeRead, rules: Iterable[CodeRule] = DEFAULT_CODE_RULES) -> ClassifiedRead:
    """Classify one read with the wallet table; never raises."""
    text = read.payload.text
    if text is None:
        return ClassifiedRead(read, None, "not a payment code: binary payload",
                              "这不是付款码（二进制内容）/ Not a payment code (binary data)")
    try:
        return ClassifiedRead(read, classify_code(text, rules))
    except NotAPaymentCode as exc:
        return ClassifiedRead(read, None, str(exc), exc.user_message)


@dataclass(frozen=True)
class FrameDecode:
    """Everything one frame yielded: all symbols (classified), the one chosen for
    checkout, why it was chosen when there was a choice, and what it cost."""

    reads: tuple[ClassifiedRead, ...] = ()
    chosen: ClassifiedRead | None = None
    choice_note: str = ""
    strategy: str = ""
    elapsed_ms: float = 0.0
    problem: str = ""

    @property
    def found(self) -> bool:
        return self.chosen is not None


def choose_read(reads: Sequence[ClassifiedRead]) -> tuple[ClassifiedRead | None, str]:
    """The one read to act on, chosen the same way every time: a payment code before
    anything else, then the largest symbol (nearest the camera), then the one nearest
    the top-left. Returns the choice and a note saying why when there was a choice."""
    if not reads:
        return None, ""
    ranked = sorted(reads, key=lambda r: (not r.is_payment_code, -r.read.area_px,
                                          r.read.top_left, r.read.raw))
    chosen = ranked[0]
    if len(ranked) == 1:
        return chosen, ""
    payments = sum(1 for r in ranked if r.is_payment_code)
    if chosen.is_payment_code and payments == 1:
        why = "the only payment code"
    elif chosen.is_payment_code:
        why = f"the largest of {payments} payment codes"
    else:
        why = "the largest code (no payment code in view)"
    return chosen, f"{len(ranked)} codes in one frame; chose {why}"


def code_key(read: CodeRead) -> str:
    """A stable key for a payload that does not keep the payload itself. The symbology
    is left out on purpose: wallets show the same digits as QR and Code128 at once."""
    return hashlib.sha256(b"payterm-read\0" + read.raw).hexdigest()


@dataclass
class RepeatFilter:
    """Counts a code once while it stays in view: a read whose payload was last seen less
    than ``window_s`` ago is a repeat. A code that leaves the view for longer than the
    window counts again. Pure: the caller passes monotonic seconds."""

    window_s: float
    _last_seen: dict[str, float] = field(default_factory=dict)

    def is_new(self, read: CodeRead, now_s: float) -> bool:
        """True the first time; False for a repeat. Every sighting extends the window."""
        self._forget_before(now_s - self.window_s)
        key = code_key(read)
        new = key not in self._last_seen
        self._last_seen[key] = now_s
        return new

    def _forget_before(self, cutoff_s: float) -> None:
        for key in [k for k, t in self._last_seen.items() if t < cutoff_s]:
            del self._last_seen[key]
