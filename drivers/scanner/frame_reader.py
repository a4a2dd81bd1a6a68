"""payterm's reader for camera frames and image files: the one code path both use.

Strategy (why: ZBar is fast on clean codes, zxing-cpp reads more damaged ones, most
frames either hold an easy code or none at all, and retry variants are only worth
their cost where a code actually is):

1. grayscale, downscaled to ``decode_max_side_px`` if bigger;
2. pyzbar on it; if it found nothing, zxing-cpp on the same picture. Both always run
   on a miss, so payterm reads at least every frame either decoder reads alone;
3. only if both missed: look for evidence of a code (symbols zxing-cpp located but
   could not decode, and patches dense in edges: ``code_evidence``). No evidence: a
   camera frame is done (an empty counter costs just the two base decoders);
4. retry variants (``retry_plan.REGION_STEPS``) on crops of those regions taken from
   the full-resolution frame. ``ReadMode.STILL`` (``payterm scan IMAGE``) runs the whole
   list and then whole-frame variants until ``decode_budget_ms`` is spent;
   ``ReadMode.CAMERA`` runs a slice per frame, until ``camera_decode_budget_ms``, and
   continues on the next frame where it stopped (round robin, ``RetryCursor``).

Both modes are the same reader and the same steps; only the schedule differs.

Exact payloads: ZBar returns its own UTF-8 re-encoding of a guessed character set, so
when it reads a symbol whose payload is not plain ASCII, zxing-cpp reads the same
picture and its read (raw bytes, character set from the ECI or its detection) replaces
ZBar's; if zxing-cpp cannot read that symbol, ZBar's read stays and says it is not
exact.
Results are classified (payment code or not, and why), and when a frame holds several
codes one is chosen deterministically (see ``terminal.code_read.choose_read``).
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import logging
import time
from typing import Any, Callable, Iterable

import numpy as np

from terminal.code_read import (CharsetSource, ClassifiedRead, CodeRead, FrameDecode,
                                choose_read, classify_read, code_key, neutralise_controls)
from terminal.payment_code import DEFAULT_CODE_RULES, CodeRule
from terminal.settings.scanner_section import ScannerSettings
from drivers.scanner.code_evidence import find_code_regions
from drivers.scanner.frame_preparation import (VARIANTS, Box, Prepared, UnusableImage,
                                               base_picture, polygon_box, region_picture,
                                               to_gray, whole_frame_pictures)
from drivers.scanner.pyzbar_decoder import PyzbarDecoder
from drivers.scanner.retry_plan import REGION_STEPS, RetryCursor, RetryStep
from drivers.scanner.zxing_decoder import Polygon, ZxingDecoder

log = logging.getLogger(__name__)


class ReadMode(str, enum.Enum):
    """How much work one picture gets after the base decoders missed."""

    STILL = "still"    # a single image: every variant, within decode_budget_ms
    CAMERA = "camera"  # a stream: a slice per frame, the next frame continues


#: Code regions retried per picture (the zxing-located ones first, then the densest).
MAX_REGIONS = {ReadMode.STILL: 3, ReadMode.CAMERA: 2}


class FrameCodeReader:
    """Implements ``terminal.ports.scanner.CodeReader``. A still reader is stateless; a
    camera reader remembers where its retry round robin stopped, so give each camera
    stream its own reader and call it from one worker thread at a time."""

    def __init__(self, *, mode: ReadMode = ReadMode.STILL, budget_ms: float = 120.0,
                 camera_budget_ms: float = 25.0, max_side_px: int = 1280,
                 rules: Iterable[CodeRule] = DEFAULT_CODE_RULES,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.mode = ReadMode(mode)
        self._budget_s = (budget_ms if self.mode is ReadMode.STILL else camera_budget_ms) / 1000.0
        self._max_side_px = max_side_px
        self._rules = tuple(rules)
        self._clock = clock
        self._cursor = RetryCursor(len(REGION_STEPS))
        self._zxing = ZxingDecoder()
        self._decoders = {"pyzbar": PyzbarDecoder().decode, "zxing-cpp": self._zxing.decode}

    @classmethod
    def from_settings(cls, scanner_settings: ScannerSettings,
                      mode: ReadMode = ReadMode.STILL) -> "FrameCodeReader":
        """Built from ``Settings.scanner`` (budgets and downscale limit). Use
        ``ReadMode.CAMERA`` for a camera stream, one reader per stream."""
        return cls(mode=mode, budget_ms=scanner_settings.decode_budget_ms,
                   camera_budget_ms=scanner_settings.camera_decode_budget_ms,
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

    def _decode(self, gray: np.ndarray, base: Prepared,
                started: float) -> tuple[list[CodeRead], str]:
        found = self._run("pyzbar", base)
        located: list[Polygon] = []
        if not found:
            found, located = self._run_zxing(base)
        if found:
            self._cursor.reset()
            return found, f"{found[0].decoder}:{base.name}"
        regions = self._regions(gray, base, located)
        if self.mode is ReadMode.CAMERA:
            return self._camera_retries(regions, started)
        return self._still_retries(gray, base, regions, started)

    def _regions(self, gray: np.ndarray, base: Prepared,
                 located: list[Polygon]) -> list[Prepared]:
        """Crops of where a code seems to be: symbols zxing-cpp located but could not
        decode (the surest evidence), then edge-dense patches, biggest first."""
        limit = MAX_REGIONS[self.mode]
        boxes: list[tuple[str, Box]] = [("located", polygon_box(p)) for p in located[:limit]]
        boxes += [(f"region{i + 1}", r.box)
                  for i, r in enumerate(find_code_regions(base.gray, limit))]
        pictures = []
        for name, box in boxes[:limit]:
            picture = region_picture(gray, base, box)
            if picture is not None:
                pictures.append(Prepared(name, picture.gray, picture.scale, picture.offset))
        return pictures

    def _still_retries(self, gray: np.ndarray, base: Prepared, regions: list[Prepared],
                       started: float) -> tuple[list[CodeRead], str]:
        deadline = started + self._budget_s
        tried = 0
        for step in REGION_STEPS:
            for region in regions:
                if self._clock() > deadline:
                    return [], f"miss (budget spent after {tried} retries)"
                tried += 1
                found = self._run(step.decoder, VARIANTS[step.variant](region))
                if found:
                    return found, _strategy(found, step, region)
        for picture in whole_frame_pictures(gray, base):
            for decoder in ("pyzbar", "zxing-cpp"):
                if self._clock() > deadline:
                    return [], f"miss (budget spent after {tried} retries)"
                tried += 1
                found = self._run(decoder, picture)
                if found:
                    return found, f"{found[0].decoder}:{picture.name}"
        return [], f"miss ({tried} retries, {len(regions)} code regions)"

    def _camera_retries(self, regions: list[Prepared],
                        started: float) -> tuple[list[CodeRead], str]:
        if not regions:
            self._cursor.reset()
            return [], "no code in view"
        deadline = started + self._budget_s
        first, count, done = self._cursor.position, len(REGION_STEPS), 0
        # At least one step per frame, so a slow machine still makes progress.
        while done < count and (done == 0 or self._clock() <= deadline):
            step = REGION_STEPS[(first + done) % count]
            done += 1
            for region in regions:
                found = self._run(step.decoder, VARIANTS[step.variant](region))
                if found:
                    self._cursor.reset()
                    return found, _strategy(found, step, region)
        self._cursor.advance(done)
        return [], (f"miss (camera: retry steps {first + 1}-{(first + done - 1) % count + 1}"
                    f" of {count} on {len(regions)} code regions; next frame continues)")

    def _run(self, decoder: str, picture: Prepared) -> list[CodeRead]:
        try:
            reads = self._decoders[decoder](picture.gray)
        except Exception:  # a decoder bug must cost one frame, never the worker
            log.exception("%s failed on %s", decoder, picture.name)
            return []
        reads = _in_frame(reads, picture)
        if any(r.charset_source is CharsetSource.ZBAR and not r.raw.isascii() for r in reads):
            reads = self._exact_from_zxing(reads, picture)
        return _unique(reads)

    def _exact_from_zxing(self, reads: list[CodeRead], picture: Prepared) -> list[CodeRead]:
        """Replace ZBar's non-ASCII reads with zxing-cpp's read of the same symbol."""
        exact, _ = self._run_zxing(picture)
        out = []
        for read in reads:
            twin = None
            if read.charset_source is CharsetSource.ZBAR and not read.raw.isascii():
                twin = next((z for z in exact if z.symbology is read.symbology
                             and _same_place(z.polygon, read.polygon)), None)
            out.append(twin or read)
        return out

    def _run_zxing(self, picture: Prepared) -> tuple[list[CodeRead], list[Polygon]]:
        try:
            reads, located = self._zxing.decode_with_candidates(picture.gray)
        except Exception:
            log.exception("zxing-cpp failed on %s", picture.name)
            return [], []
        return _unique(_in_frame(reads, picture)), located

    def _ms_since(self, started: float) -> float:
        return (self._clock() - started) * 1000.0


def _strategy(found: list[CodeRead], step: RetryStep, region: Prepared) -> str:
    return f"{found[0].decoder}:{region.name}+{step.variant}"


def _in_frame(reads: list[CodeRead], picture: Prepared) -> list[CodeRead]:
    if picture.scale == 1.0 and picture.offset == (0, 0):
        return reads
    return [dataclasses.replace(r, polygon=picture.to_frame(r.polygon)) for r in reads]


def _same_place(a: Polygon, b: Polygon) -> bool:
    """Whether the centre of polygon ``a`` lies inside the bounding box of ``b``."""
    if not a or not b:
        return False
    cx = sum(p[0] for p in a) / len(a)
    cy = sum(p[1] for p in a) / len(a)
    return bool(min(p[0] for p in b) <= cx <= max(p[0] for p in b) and
                min(p[1] for p in b) <= cy <= max(p[1] for p in b))


def _unique(reads: list[CodeRead]) -> list[CodeRead]:
    """One read per payload (a decoder can report a symbol twice, e.g. inverted)."""
    seen, out = set(), []
    for read in reads:
        key = code_key(read)
        if key not in seen:
            seen.add(key)
            out.append(read)
    return out


#: What the display form of a payload may show before it is cut (it says so).
DISPLAY_CHARS = 200
WITHHELD_PAYMENT_CODE = "payment code: shown masked only (never printed in full)"


def describe(read: ClassifiedRead) -> dict[str, Any]:
    """A JSON-ready description of one read.

    ``text`` is the exact payload text (control characters and all, never cut) and
    ``bytes_base64`` the exact payload bytes; ``charset`` / ``charset_source`` say which
    character set decoded them and who decided it (the symbol's ECI, zxing-cpp's
    detection, plain ASCII); ``text`` is null for binary data, where no character set
    round-trips. ``exact`` is false only when the raw bytes were not available (ZBar
    alone read the symbol). ``display`` is a separate form safe for a terminal or a
    label: control characters neutralised, cut at 200 characters with "…"
    (``display_cut``). A payment code's payload is withheld (``withheld`` says why) and
    shown masked, as everywhere.
    """
    payload = read.read.payload
    withheld = read.is_payment_code
    display = read.payment_code.masked if read.payment_code else \
        neutralise_controls(read.read.text, DISPLAY_CHARS)
    full = read.read.text if not withheld else display
    return {
        "symbology": read.read.symbology.value,
        "text": None if withheld else payload.text,
        "bytes_base64": None if withheld else base64.b64encode(payload.raw).decode("ascii"),
        "bytes": len(payload.raw),
        "charset": payload.charset,
        "charset_source": payload.source.value,
        "exact": payload.exact,
        "withheld": WITHHELD_PAYMENT_CODE if withheld else None,
        "display": display,
        "display_cut": len(neutralise_controls(full, 10**9)) > DISPLAY_CHARS,
        "payment_code": read.is_payment_code,
        "wallet": read.payment_code.wallet.value if read.payment_code else None,
        "reason": read.reason,
        "decoder": read.read.decoder,
        "polygon": [list(p) for p in read.read.polygon],
    }
