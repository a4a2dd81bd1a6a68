"""Turning whatever a camera or a file gave us into one grayscale picture the decoders
can read, plus the retry variants tried when the first passes find nothing.

Every prepared picture remembers how its pixels map back to the original frame
(``scale`` and ``offset``), so positions are always reported in frame coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import cv2
import numpy as np

#: Above this many pixels a frame is refused outright (a 100-megapixel "photo" is an
#: attack or a mistake, and would take seconds even to downscale).
MAX_PIXELS = 80_000_000
MIN_SIDE_PX = 16

Polygon = tuple[tuple[int, int], ...]


class UnusableImage(ValueError):
    """The picture cannot be decoded at all; the message says why."""


@dataclass(frozen=True)
class Prepared:
    """A grayscale picture and how to map its coordinates back to the frame."""

    name: str
    gray: np.ndarray
    scale: float = 1.0
    offset: tuple[int, int] = (0, 0)

    def to_frame(self, polygon: Polygon) -> Polygon:
        ox, oy = self.offset
        return tuple((int(round(x / self.scale)) + ox, int(round(y / self.scale)) + oy)
                     for x, y in polygon)


def to_gray(image: object) -> np.ndarray:
    """A uint8 single-channel copy of ``image`` (gray, BGR or BGRA; uint8, uint16 or float
    0..1). Raises UnusableImage for anything else."""
    if not isinstance(image, np.ndarray):
        raise UnusableImage(f"not an image array ({type(image).__name__})")
    if image.size == 0 or image.ndim not in (2, 3):
        raise UnusableImage(f"empty or malformed image (shape {image.shape})")
    h, w = image.shape[:2]
    if min(h, w) < MIN_SIDE_PX:
        raise UnusableImage(f"image too small ({w}x{h} px)")
    if h * w > MAX_PIXELS:
        raise UnusableImage(f"image too large ({w}x{h} px, limit {MAX_PIXELS // 1_000_000} MP)")
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype in (np.float32, np.float64):
        image = (np.nan_to_num(image).clip(0.0, 1.0) * 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise UnusableImage(f"unsupported pixel type {image.dtype}")
    if image.ndim == 2:
        return image
    channels = image.shape[2]
    if channels == 1:
        return image[..., 0]
    if channels == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if channels == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    raise UnusableImage(f"unsupported channel count {channels}")


def base_picture(gray: np.ndarray, max_side_px: int) -> Prepared:
    """The first picture the decoders see: downscaled (area filter) when bigger than
    ``max_side_px``, because decoding time grows with pixels and codes held up to a
    camera are large."""
    longest = max(gray.shape[:2])
    if longest <= max_side_px:
        return Prepared("gray", gray)
    scale = max_side_px / longest
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return Prepared(f"gray/{scale:.2f}", small, scale)


def _roi(gray: np.ndarray, polygon: Polygon, margin: float) -> tuple[np.ndarray, tuple[int, int]]:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    pad = int(margin * max(max(xs) - min(xs), max(ys) - min(ys), 8))
    x0, y0 = max(min(xs) - pad, 0), max(min(ys) - pad, 0)
    x1, y1 = min(max(xs) + pad, gray.shape[1]), min(max(ys) + pad, gray.shape[0])
    return gray[y0:y1, x0:x1], (x0, y0)


def retry_pictures(original: np.ndarray, base: Prepared,
                   candidates: Sequence[Polygon]) -> Iterator[Prepared]:
    """Variants to try after both decoders missed on ``base``, most likely first.

    ``candidates`` are outlines (in base coordinates) of symbols a decoder located but
    could not decode: the best place to look harder. Generated lazily, so the caller's
    time budget also bounds the preprocessing cost.
    """
    gray = base.gray
    for polygon in candidates[:2]:
        # Back in full resolution if the base was downscaled: small modules survive.
        frame_polygon = base.to_frame(polygon)
        crop, offset = _roi(original, frame_polygon, 0.25)
        if crop.size and min(crop.shape) >= MIN_SIDE_PX:
            factor = 2.0 if max(crop.shape) < 600 else 1.0
            crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
            yield Prepared("roi", crop, factor, offset)
    clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))
    yield Prepared(base.name + "+clahe", clahe.apply(gray), base.scale, base.offset)
    # Half size with an area filter averages away screen moiré and sensor noise.
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    yield Prepared(base.name + "+half", half, base.scale * 0.5, base.offset)
    smooth = cv2.GaussianBlur(gray, (0, 0), 1.2)
    yield Prepared(base.name + "+smooth", smooth, base.scale, base.offset)
    sharp = cv2.addWeighted(gray, 1.8, cv2.GaussianBlur(gray, (0, 0), 2.0), -0.8, 0)
    yield Prepared(base.name + "+sharpen", sharp, base.scale, base.offset)
    _, otsu = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield Prepared(base.name + "+otsu", otsu, base.scale, base.offset)
    if max(gray.shape) <= 800:
        # Far-away codes: modules under 2 px need more pixels, not fewer.
        big = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
        yield Prepared(base.name + "+x2", big, base.scale * 2.0, base.offset)
    if base.scale < 1.0:
        yield Prepared("full", original, 1.0, (0, 0))
