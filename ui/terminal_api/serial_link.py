"""The Terminal API over RS-232, for cash registers that have nothing else: the same
JSON messages, one per line (UTF-8, ``\\n``-terminated, no newline inside a message);
the terminal answers each with one line, in order.

The serial cable is the POS's own, so there is no bearer key on it (whoever can plug a
cable into the terminal can already reach its keys). A line longer than
``pos_api.max_body_bytes`` is answered with MessageFormat and skipped to its end; a line
whose end does not arrive within ``pos_api.body_read_timeout_s`` is dropped.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from decimal import Decimal

import serial

from terminal.errors import ConfigError
from terminal.pos_api.envelope import error_response
from terminal.pos_api.errors import message_format

log = logging.getLogger(__name__)


def encode_line(answer: dict) -> bytes:
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"),
                      default=lambda o: float(o) if isinstance(o, Decimal) else str(o)
                      ).encode("utf-8") + b"\n"


class SerialLink:
    def __init__(self, engine, port: str, baud: int, *, max_line: int,
                 line_timeout_s: float) -> None:
        self._engine = engine
        try:
            self._serial = serial.Serial(port, baud, timeout=0.2, write_timeout=5)
        except (serial.SerialException, OSError) as exc:
            raise ConfigError("pos_api.serial_port", f"cannot open {port}: {exc}") from None
        self._max_line = max_line
        self._line_timeout_s = line_timeout_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="terminal-api-serial",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)
        self._serial.close()

    def _run(self) -> None:
        buffer = bytearray()
        started = 0.0
        skipping = False
        while not self._stop.is_set():
            try:
                chunk = self._serial.read(4096)
            except (serial.SerialException, OSError) as exc:
                log.warning("Terminal API serial read failed: %s", exc)
                time.sleep(1.0)
                continue
            if buffer and time.monotonic() - started > self._line_timeout_s:
                log.info("serial: dropped a line that did not end in time")
                buffer.clear()
            for byte_line in _split(chunk):
                if not buffer and not skipping:
                    started = time.monotonic()
                ended = byte_line.endswith(b"\n")
                if not skipping:
                    buffer += byte_line
                if len(buffer) > self._max_line and not skipping:
                    self._answer(error_response(None, message_format(
                        "(line)", f"longer than {self._max_line} bytes; skipped")))
                    buffer.clear()
                    skipping = True
                if ended:
                    if skipping:
                        skipping = False
                    elif buffer.strip():
                        self._answer(self._engine.handle(bytes(buffer).strip(), None))
                    buffer.clear()

    def _answer(self, answer: dict) -> None:
        try:
            self._serial.write(encode_line(answer))
            self._serial.flush()
        except (serial.SerialException, OSError) as exc:
            log.warning("Terminal API serial write failed: %s", exc)


def _split(chunk: bytes) -> list[bytes]:
    """Pieces ending at each newline (the last may be a partial line)."""
    parts, start = [], 0
    while True:
        end = chunk.find(b"\n", start)
        if end < 0:
            if start < len(chunk):
                parts.append(chunk[start:])
            return parts
        parts.append(chunk[start:end + 1])
        start = end + 1
