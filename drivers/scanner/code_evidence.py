"""Cheap evidence that a frame holds a barcode, and where.

Why: the retry variants are only worth their cost when a code is in view. Most camera
frames show an empty counter, and a frame with no code must cost no more than the two
base decoders. A printed or on-screen code is a patch that is dense in sharp edges:
both directions for QR (module borders), one direction very densely for Code128 and
EAN-13 (bars). A counter top, a hand, a smooth background or the rim of an object are
not. This module finds such patches in about a millisecond and returns their boxes, so
the retry variants run on small crops instead of the whole frame (cheaper, and a crop
upscaled 2x keeps small modules that a whole-frame pass would have to pay 4x for).

A false alarm (a textured box, printed text) only costs the bounded retry slice; a
missed code is still read by the base decoders whenever they can read it at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Side of the square blocks in which edge density is measured (frame pixels).
BLOCK_PX = 16
#: An edge is a Sobel response above this (a 0..255 step gives up to 4x the step; a
#: code at 8 % contrast still gives ~80, a smooth lighting gradient gives < 20).
EDGE_THRESHOLD = 40
#: Fraction of a block's pixels that must be edges in each direction (QR-like), or
#: twice that in one direction (bars).
DENSITY_BOTH = 0.25
DENSITY_ONE = 0.35
#: Smallest patch, in blocks: a QR of 21 modules at 1.5 px per module is ~32 px.
MIN_BLOCKS = 3

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the analysed picture's pixels


@dataclass(frozen=True)
class CodeRegion:
    """A patch that looks like a barcode. ``box`` is in the coordinates of the picture
    that was analysed; ``score`` is the number of dense blocks (bigger is likelier)."""

    box: Box
    score: int


def find_code_regions(gray: np.ndarray, max_regions: int = 3) -> list[CodeRegion]:
    """Up to ``max_regions`` barcode-like patches of ``gray`` (uint8, one channel),
    biggest first. Empty when nothing in the picture looks like a code."""
    h, w = gray.shape[:2]
    rows, cols = h // BLOCK_PX, w // BLOCK_PX
    if rows < 1 or cols < 1:
        return []
    usable = gray[: rows * BLOCK_PX, : cols * BLOCK_PX]
    density_x = _edge_density(usable, 1, 0, cols, rows)
    density_y = _edge_density(usable, 0, 1, cols, rows)
    hot: np.ndarray = (((density_x > DENSITY_BOTH) & (density_y > DENSITY_BOTH))
           | (density_x > DENSITY_ONE) | (density_y > DENSITY_ONE)).astype(np.uint8)
    # Close small gaps: a glare spot or a wide bar splits a code into pieces.
    hot = cv2.morphologyEx(hot, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(hot, connectivity=8)
    regions = []
    for index in range(1, count):
        x, y, bw, bh, blocks = (int(v) for v in stats[index])
        if blocks >= MIN_BLOCKS:
            # One block more on each side: the solid centres of QR finder patterns have
            # edges only at their border, so the blocks over them can be sparse.
            box = (max(x - 1, 0) * BLOCK_PX, max(y - 1, 0) * BLOCK_PX,
                   min(x + bw + 1, cols) * BLOCK_PX, min(y + bh + 1, rows) * BLOCK_PX)
            regions.append(CodeRegion(box, blocks))
    regions.sort(key=lambda r: (-r.score, r.box))
    return regions[:max_regions]


def _edge_density(gray: np.ndarray, dx: int, dy: int, cols: int, rows: int) -> np.ndarray:
    """Per block, the fraction of pixels with a strong gradient along (dx, dy)."""
    response = cv2.convertScaleAbs(cv2.Sobel(gray, cv2.CV_16S, dx, dy, ksize=3))
    _, edges = cv2.threshold(response, EDGE_THRESHOLD, 255, cv2.THRESH_BINARY)
    # Area averaging of 0/255 pixels over a block is the edge fraction times 255.
    density = cv2.resize(edges, (cols, rows), interpolation=cv2.INTER_AREA)
    return density.astype(np.float32) / 255.0
