"""payterm's reader for camera frames and image files: the one code path both use.

Strategy (why: ZBar is fast on clean codes, zxing-cpp reads more damaged ones, and
most frames either hold an easy code or none at all):

1. grayscale, downscaled to ``decode_max_side_px`` if bigger;
2. pyzbar on it; if it found nothing, zxing-cpp on the same picture. Both always run
   on a miss, so payterm reads at least every frame either decoder reads alone;
3. only if both missed: retry variants (regions where a symbol was located but not
   decoded, CLAHE, half size, smoothing, sharpening, Otsu, 2x) with both decoders,
   until the ``decode_budget_ms`` is spent.

Results are classified (payment code or not, and why), and when a frame holds several
codes one is chosen deterministically (see ``terminal.code_read.choose_read``).
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Iterable

from terminal.code_read import (ClassifiedRead, CodeRead, FrameDecode, choose_read,
                                classify_read, code_key)
from terminal.payment_code import DEFAULT_CODE_RULES, CodeRule
from drivers.scanner.frame_preparation import (Prepared, UnusableImage, base_picture,
                                               retry_pictures, to_gray)
from drivers.scanner.pyzbar_decoder import PyzbarDecoder
from drivers.scanner.zxing_decoder import ZxingDecoder

log = logging.getLogger(__name__)


class FrameCodeReader:
    """Implements ``terminal.ports.scanner.CodeReader``. Stateless between frames and
    safe to call from one worker thread at a time."""

    def __init__(self, *, budget_ms: float = 120.0, max_side_px: int = 1280,
                 rules: Iterable[CodeRule] = DEFAULT_CODE_RULES,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._budget_s = budget_ms / 1000.0
        self._max_side_px = max_side_px
        self._rules = tuple(rules)
        self._clock = clock
        self._pyzbar = PyzbarDecoder()
        self._zxing = ZxingDecoder()

    @classmethod
    def from_settings(cls, scanner_settings) -> "FrameCodeReader":
        """Built from ``Settings.scanner`` (budget and downscale limit)."""
        return cls(budget_ms=scanner_settings.decode_budget_ms,
                   max_side_px=scanner_settings.decode_max_side_px)

    def read_frame(self, image: object) -> FrameDecode:
        """Decode one picture; never raises for bad pictures (see the port)."""
        started = self._clock()
        try:
            gray = to_gray(image)
        except UnusableImage as exc:
            return FrameDecode(problem=str(exc), elapsed_ms=self._ms_since(started))
        base = base_picture(gray, self._max_side_px)
        reads, strategy = self._decode(gray, base, started)
        classified = tuple(classify_read(r, self._rules) for r in reads)
        chosen, note = choose_read(classified)
        return FrameDecode(reads=classified, chosen=chosen, choice_note=note,
                           strategy=strategy, elapsed_ms=self._ms_since(started))

    def _decode(self, gray, base: Prepared, started: float) -> tuple[list[CodeRead], str]:
        found = self._run(self._pyzbar.decode, base)
        if found:
            return found, f"pyzbar:{base.name}"
        found, candidates = self._run_zxing(base)
        if found:
            return found, f"zxing-cpp:{base.name}"
        tried = 0
        for picture in retry_pictures(gray, base, candidates):
            for decoder in (self._pyzbar.decode, self._zxing.decode):
                if self._clock() - started > self._budget_s:
                    return [], f"miss (budget spent after {tried} retries)"
                tried += 1
                found = self._run(decoder, picture)
                if found:
                    return found, f"{found[0].decoder}:{picture.name}"
        return [], f"miss ({tried} retries)"

    def _run(self, decode, picture: Prepared) -> list[CodeRead]:
        try:
            reads = decode(picture.gray)
        except Exception:  # a decoder bug must cost one frame, never the worker
            log.exception("decoder failed on %s", picture.name)
            return []
        return _unique(_in_frame(reads, picture))

    def _run_zxing(self, picture: Prepared) -> tuple[list[CodeRead], list]:
        try:
            reads, candidates = self._zxing.decode_with_candidates(picture.gray)
        except Exception:
            log.exception("zxing-cpp failed on %s", picture.name)
            return [], []
        return _unique(_in_frame(reads, picture)), candidates

    def _ms_since(self, started: float) -> float:
        return (self._clock() - started) * 1000.0


def _in_frame(reads: list[CodeRead], picture: Prepared) -> list[CodeRead]:
    if picture.scale == 1.0 and picture.offset == (0, 0):
        return reads
    return [CodeRead(r.symbology, r.raw, picture.to_frame(r.polygon), r.decoder) for r in reads]


def _unique(reads: list[CodeRead]) -> list[CodeRead]:
    """One read per payload (a decoder can report a symbol twice, e.g. inverted)."""
    seen, out = set(), []
    for read in reads:
        key = code_key(read)
        if key not in seen:
            seen.add(key)
            out.append(read)
    return out


def describe(read: ClassifiedRead) -> dict:
    """A JSON-ready description of one read: payment codes masked, text neutralised."""
    return {
        "symbology": read.read.symbology.value,
        "text": read.display_text,
        "encoding": read.read.encoding.value,
        "bytes": len(read.read.raw),
        "payment_code": read.is_payment_code,
        "wallet": read.payment_code.wallet.value if read.payment_code else None,
        "reason": read.reason,
        "decoder": read.read.decoder,
        "polygon": [list(p) for p in read.read.polygon],
    }
