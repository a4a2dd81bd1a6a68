"""Turning whatever a camera or a file gave us into one grayscale picture the decoders
can read, plus the retry variants tried when the first passes find nothing: on
crops of the regions where a code seems to be (``region_picture``), and, for still
images only, on the whole frame.

Every prepared picture remembers how its pixels map back to the original frame
(``scale`` and ``offset``), so positions are always reported in frame coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import cv2
import numpy as np

#: Above this many pixels a frame is refused outright (a 100-megapixel "photo" is an
#: attack or a mistake, and would take seconds even to downscale).
MAX_PIXELS = 80_000_000
MIN_SIDE_PX = 16

Polygon = tuple[tuple[int, int], ...]
Box = tuple[int, int, int, int]


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


def region_picture(original: np.ndarray, base: Prepared, box: Box,
                   margin_px: int = 16, max_side_px: int = 640) -> Prepared | None:
    """The part of the full-resolution frame under ``box`` (in ``base`` coordinates),
    with a margin (``margin_px`` or 15 % of the box, whichever is more) for the quiet
    zone; None if it is too small to hold a code.

    Cropped from the original, not the downscaled base: small modules survive. A crop
    longer than ``max_side_px`` is scaled down to it, so an alarm on a big textured
    area cannot make the later 2x variants cost more than a whole frame.
    """
    x0, y0, x1, y1 = (int(round(v / base.scale)) for v in box)
    # Quiet zone, and finder patterns the box only half covers: grows with the code.
    pad = max(int(round(margin_px / base.scale)), int(0.15 * max(x1 - x0, y1 - y0)))
    x0, y0 = max(x0 - pad, 0), max(y0 - pad, 0)
    x1, y1 = min(x1 + pad, original.shape[1]), min(y1 + pad, original.shape[0])
    crop = original[y0:y1, x0:x1]
    if crop.size == 0 or min(crop.shape[:2]) < MIN_SIDE_PX:
        return None
    longest = max(crop.shape[:2])
    if longest <= max_side_px:
        return Prepared("region", crop, 1.0, (x0, y0))
    scale = max_side_px / longest
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return Prepared("region", small, scale, (x0, y0))


def polygon_box(polygon: Polygon) -> Box:
    """The bounding box of an outline."""
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def _same_place(picture: Prepared, name: str, gray: np.ndarray, factor: float = 1.0) -> Prepared:
    return Prepared(f"{picture.name}+{name}", gray, picture.scale * factor, picture.offset)


def _sharpen(gray: np.ndarray, sigma: float) -> np.ndarray:
    # Unsharp mask: restores module edges softened by focus, motion or JPEG.
    return cv2.addWeighted(gray, 1.8, cv2.GaussianBlur(gray, (0, 0), sigma), -0.8, 0)


def _x2(gray: np.ndarray) -> np.ndarray:
    return cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)


def _otsu(gray: np.ndarray) -> np.ndarray:
    smooth = cv2.GaussianBlur(gray, (0, 0), 1.2)
    return cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _clahe(gray: np.ndarray) -> np.ndarray:
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray)


#: Variants of a picture by name. Each returns a Prepared in the same frame mapping.
VARIANTS: dict[str, Callable[[Prepared], Prepared]] = {
    "as-is": lambda p: p,
    # Far-away codes and soft edges: modules under 2 px need more pixels, not fewer.
    "x2+sharpen": lambda p: _same_place(p, "x2+sharpen", _sharpen(_x2(p.gray), 4.0), 2.0),
    "x2": lambda p: _same_place(p, "x2", _x2(p.gray), 2.0),
    "sharpen": lambda p: _same_place(p, "sharpen", _sharpen(p.gray, 2.0)),
    "clahe": lambda p: _same_place(p, "clahe", _clahe(p.gray)),
    # Half size with an area filter averages away screen moiré and sensor noise.
    "half": lambda p: _same_place(p, "half", cv2.resize(p.gray, None, fx=0.5, fy=0.5,
                                                        interpolation=cv2.INTER_AREA), 0.5),
    "smooth": lambda p: _same_place(p, "smooth", cv2.GaussianBlur(p.gray, (0, 0), 1.2)),
    "otsu": lambda p: _same_place(p, "otsu", _otsu(p.gray)),
}


def whole_frame_pictures(original: np.ndarray, base: Prepared) -> Iterator[Prepared]:
    """Whole-frame variants, tried on a still image after the code regions (a picture
    someone asks us to read is expected to hold a code even where no patch looked like
    one). Generated lazily, so the caller's budget also bounds the preprocessing."""
    for name in ("clahe", "half", "smooth", "sharpen", "otsu"):
        yield VARIANTS[name](base)
    if max(base.gray.shape) <= 800:
        yield VARIANTS["x2"](base)
    if base.scale < 1.0:
        yield Prepared("full", original, 1.0, (0, 0))
