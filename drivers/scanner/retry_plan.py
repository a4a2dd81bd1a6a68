"""Which retry variants to try on the code regions of a frame, in which order, and
how a camera spreads them over consecutive frames.

The order comes from two seeds of the degraded set (greedy: most extra reads per
millisecond first): on crops of the regions that look like a code, zxing-cpp on the
crop upscaled 2x and sharpened wins most often (16 of 20 retry reads), then sharpened,
then 2x; pyzbar on the same pictures adds a few but is slow on noisy upscaled crops;
half size, smoothing and Otsu are last resorts (they won nothing on the set but cost
little on a crop, and real glare or moiré can need them).

A still image runs the whole list within its budget. A camera runs a slice of the list
per frame and continues on the next frame where it stopped (``RetryCursor``): the
camera delivers a new, slightly different picture every 33 ms anyway, so trying
variant 1-2 on frame N and 3-4 on frame N+1 costs each frame little, keeps the
decode rate up, and covers the list within a few frames.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryStep:
    """Decode the ``variant`` (a name in ``frame_preparation.VARIANTS``) of every code
    region with ``decoder`` ("pyzbar" or "zxing-cpp")."""

    variant: str
    decoder: str


REGION_STEPS: tuple[RetryStep, ...] = (
    # zxing-cpp first: it wins most retries and costs ~1-5 ms on a crop.
    RetryStep("x2+sharpen", "zxing-cpp"),
    RetryStep("sharpen", "zxing-cpp"),
    RetryStep("x2", "zxing-cpp"),
    RetryStep("clahe", "zxing-cpp"),
    # ZBar wins a few more, but on upscaled noisy crops it can take 100+ ms.
    RetryStep("x2+sharpen", "pyzbar"),
    RetryStep("x2", "pyzbar"),
    RetryStep("sharpen", "pyzbar"),
    RetryStep("as-is", "pyzbar"),
    RetryStep("clahe", "pyzbar"),
    RetryStep("smooth", "zxing-cpp"),
    RetryStep("half", "zxing-cpp"),
    RetryStep("otsu", "zxing-cpp"),
    RetryStep("otsu", "pyzbar"),
)


class RetryCursor:
    """Where the camera's next frame continues in ``REGION_STEPS``.

    Reset when a frame shows no code region (the next code that appears starts with
    the likeliest variants) or a code was read. Thread-safe, although one decode
    worker per camera is the intended use.
    """

    def __init__(self, steps_count: int = len(REGION_STEPS)) -> None:
        self._count = steps_count
        self._next = 0
        self._lock = threading.Lock()

    @property
    def position(self) -> int:
        with self._lock:
            return self._next

    def advance(self, steps_done: int) -> None:
        """``steps_done`` steps were tried on this frame; wrap around at the end."""
        with self._lock:
            self._next = (self._next + steps_done) % self._count

    def reset(self) -> None:
        with self._lock:
            self._next = 0
