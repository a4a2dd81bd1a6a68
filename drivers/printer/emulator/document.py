"""What the emulated printer put on paper: receipts built from parser events.

``PaperTape`` applies events in order, keeps the current print mode (alignment, bold,
size, reverse, Chinese mode) and splits the tape into receipts at each cut. Content
that arrives while the printer cannot print (paper out, cover open) is dropped and
the receipt is marked ``truncated``, which is what a customer holding it would see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.printer.emulator.stream_parser import Event


@dataclass
class PrintedLine:
    text: str
    align: int = 0           # 0 left, 1 centre, 2 right
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    reverse: bool = False


@dataclass
class PrintedCode:
    kind: str                # "qr", "code128", "barcode", "image"
    data: str = ""           # decoded payload / barcode text
    module_dots: int = 0
    align: int = 0
    rows: list[list[bool]] = field(default_factory=list)   # for raster images


@dataclass
class ReceivedReceipt:
    index: int
    elements: list[PrintedLine | PrintedCode] = field(default_factory=list)
    cut: bool = False
    truncated: bool = False
    drawer_kicks: int = 0
    unknown_commands: list[bytes] = field(default_factory=list)
    byte_count: int = 0      # stream bytes of this receipt (status queries excluded)

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.elements if isinstance(e, PrintedLine)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def codes(self, kind: str) -> list[str]:
        return [e.data for e in self.elements if isinstance(e, PrintedCode) and e.kind == kind]

    @property
    def is_empty(self) -> bool:
        return not self.elements and not self.truncated


class PaperTape:
    def __init__(self) -> None:
        self.finished: list[ReceivedReceipt] = []
        self._current = ReceivedReceipt(index=1)
        self._line = bytearray()
        self._reset_mode()
        self._qr_data = b""
        self._qr_module = 3
        self._barcode_module = 3

    def reset_mode(self) -> None:
        """Power-on defaults (after a power cut)."""
        self._reset_mode()

    def _reset_mode(self) -> None:
        self.align = 0
        self.bold = False
        self.width_mult = self.height_mult = 1
        self.reverse = False
        self.chinese = False

    def apply(self, event: Event, *, can_print: bool) -> None:
        """Apply one parser event; ``can_print`` False drops content (paper out)."""
        kind, value = event.kind, event.value
        current = self._current
        current.byte_count += event.size
        content = kind in ("text", "newline", "qr_print", "barcode", "raster", "feed")
        if content and not can_print:
            current.truncated = True
            self._line.clear()
            return
        if kind == "text":
            self._line += value
        elif kind == "newline":
            self._flush_line(force=True)
        elif kind == "init":
            self._flush_line()
            self._reset_mode()
        elif kind == "align":
            self._flush_line()
            self.align = value if value in (0, 1, 2) else value - 48 if 48 <= value <= 50 else 0
        elif kind == "bold":
            self.bold = bool(value & 1)
        elif kind == "size":
            self.width_mult, self.height_mult = (value >> 4) + 1, (value & 0x0F) + 1
        elif kind == "chinese_size":
            if value & 0x0C:
                self.width_mult, self.height_mult = max(self.width_mult, 2), max(self.height_mult, 2)
        elif kind == "reverse":
            self.reverse = bool(value & 1)
        elif kind == "chinese":
            self.chinese = bool(value)
        elif kind == "feed":
            self._flush_line()
        elif kind == "drawer":
            current.drawer_kicks += 1
        elif kind == "qr_size":
            self._qr_module = value[0] if value else 3
        elif kind == "qr_store":
            self._qr_data = value
        elif kind == "qr_print":
            self._flush_line()
            current.elements.append(PrintedCode("qr", self._qr_data.decode("latin-1"),
                                                self._qr_module, self.align))
        elif kind == "barcode":
            self._flush_line()
            system, data = value
            text = decode_code128(data) if system == 73 else data.decode("latin-1")
            current.elements.append(PrintedCode("code128" if system == 73 else "barcode",
                                                text, 2, self.align))
        elif kind == "raster":
            self._flush_line()
            current.elements.append(PrintedCode("image", align=self.align,
                                                rows=raster_rows(*value)))
        elif kind == "cut":
            self._flush_line()
            current.cut = True
            self._finish()
        elif kind == "unknown":
            current.unknown_commands.append(value)

    def mark_truncated(self) -> None:
        """Data for the current receipt was lost (receive buffer overrun)."""
        self._current.truncated = True

    def mark_truncated_if_started(self) -> None:
        """The link dropped: the receipt in progress (if any) will never be whole."""
        if self._current.elements or self._line or self._current.byte_count:
            self._current.truncated = True

    def flush(self) -> None:
        """End of stream: keep a receipt that was never cut (it is still on the tape)."""
        self._flush_line()
        if not self._current.is_empty:
            self._finish()

    def _flush_line(self, force: bool = False) -> None:
        if not self._line and not force:
            return
        encoding = "gb18030" if self.chinese else "cp437"
        text = bytes(self._line).decode(encoding, errors="replace")
        self._current.elements.append(PrintedLine(text, self.align, self.bold, self.width_mult,
                                                  self.height_mult, self.reverse))
        self._line.clear()

    def _finish(self) -> None:
        self.finished.append(self._current)
        self._current = ReceivedReceipt(index=self._current.index + 1)


def decode_code128(data: bytes) -> str:
    """GS k 73 data back to text: ``{A``/``{B`` bytes are characters, ``{C`` bytes are
    digit pairs 00..99."""
    out = []
    code_set = "B"
    i = 0
    while i < len(data):
        if data[i] == ord("{") and i + 1 < len(data) and data[i + 1] in b"ABC":
            code_set = chr(data[i + 1])
            i += 2
            continue
        out.append(f"{data[i]:02d}" if code_set == "C" else chr(data[i]))
        i += 1
    return "".join(out)


def raster_rows(width_bytes: int, height: int, data: bytes) -> list[list[bool]]:
    rows = []
    for y in range(height):
        row_bytes = data[y * width_bytes:(y + 1) * width_bytes]
        rows.append([bool(b & (0x80 >> bit)) for b in row_bytes for bit in range(8)])
    return rows
