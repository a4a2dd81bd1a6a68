"""A simulated camera for the demo and the tests: it watches a phone held over the
counter that shows a payment code, switches to the next customer's code every few
seconds (with empty counter in between), and can be unplugged and plugged back in.

It behaves like a real camera to its capture thread: it is paced at the configured fps
by that thread (``paced``), each frame has fresh sensor noise, ``read()`` raises
DeviceError while unplugged and opening it fails until it is plugged back in.
"""

from __future__ import annotations

import threading

import numpy as np

from drivers.camera.photo_damage import Damage
from drivers.camera.screen_photo import PhoneScene, render_empty_scene, render_phone_photo
from terminal.code_read import Symbology
from terminal.errors import DeviceError

#: (two-digit prefix, length) of codes the simulated customers show.
_CODE_SHAPES = ((28, 18), (13, 18), (62, 19), (25, 20))


def simulated_code(rng: np.random.Generator) -> str:
    """A code the default wallet table accepts as a payment code."""
    prefix, length = _CODE_SHAPES[int(rng.integers(0, len(_CODE_SHAPES)))]
    return str(prefix) + "".join(str(d) for d in rng.integers(0, 10, length - 2))


class SimulatedPhoneCamera:
    """Device interface as in ``capture_devices`` (``read``, ``release``, ``paced``),
    plus ``open`` for the capture thread's reopen and ``unplug``/``plug_in`` for tests."""

    paced = True

    def __init__(self, width: int = 640, height: int = 480, *, seed: int = 7,
                 frames_per_code: int = 60, gap_frames: int = 15,
                 codes: tuple[str, ...] | None = None, variants_per_code: int = 2) -> None:
        self.name = f"simulated camera (seed {seed})"
        self._width, self._height = width, height
        self._rng = np.random.default_rng(seed)
        self._frames_per_code = frames_per_code
        self._gap_frames = gap_frames
        self._codes = codes or tuple(simulated_code(self._rng) for _ in range(6))
        self._variants = variants_per_code
        self._lock = threading.Lock()
        self._plugged = True
        self._frame_index = 0
        self._cache: dict[int, list[np.ndarray]] = {}
        self._empty = render_empty_scene(width, height, np.random.default_rng(seed))
        # Rendered up front: a real camera does not stall when a new phone appears.
        for code_index in range(len(self._codes)):
            self._frames_for(code_index)
        self._noise = [self._rng.normal(0, 3.0, (height, width, 3)).astype(np.int16)
                       for _ in range(5)]

    # -- what a test or the demo does to it ------------------------------------------
    def unplug(self) -> None:
        """The USB cable is pulled: reads and opens fail until ``plug_in``."""
        with self._lock:
            self._plugged = False

    def plug_in(self) -> None:
        with self._lock:
            self._plugged = True

    @property
    def codes(self) -> tuple[str, ...]:
        """The payloads shown, in order (tests compare against these)."""
        return self._codes

    # -- what the capture thread does ------------------------------------------------
    def open(self) -> "SimulatedPhoneCamera":
        with self._lock:
            if not self._plugged:
                raise DeviceError(self.name, "cannot open: no such device",
                                  user_message="摄像头无法打开 / Camera cannot be opened")
        return self

    def read(self) -> np.ndarray:
        with self._lock:
            if not self._plugged:
                raise DeviceError(self.name, "read failed: device disconnected",
                                  user_message="摄像头断开 / Camera disconnected")
            index = self._frame_index
            self._frame_index += 1
        cycle = self._frames_per_code + self._gap_frames
        slot, offset = divmod(index, cycle)
        if offset >= self._frames_per_code:
            base = self._empty
        else:
            variants = self._frames_for(slot % len(self._codes))
            base = variants[offset % len(variants)]
        noise = self._noise[int(self._rng.integers(0, len(self._noise)))]
        shift = int(self._rng.integers(0, self._width))  # noise never repeats exactly
        return (base.astype(np.int16) + np.roll(noise, shift, axis=1)).clip(0, 255).astype(np.uint8)

    def release(self) -> None:
        """Nothing to free; a real driver would close the device node here."""

    def _frames_for(self, code_index: int) -> list[np.ndarray]:
        """A few hand positions per code, rendered once (rendering is the slow part)."""
        cached = self._cache.get(code_index)
        if cached is None:
            rng = np.random.default_rng(code_index + 1000)
            cached = []
            for _ in range(self._variants):
                scene = PhoneScene(width=self._width, height=self._height,
                                   scale=float(rng.uniform(0.8, 0.95)),
                                   centre=(float(rng.uniform(0.45, 0.55)), 0.5),
                                   rotation_deg=float(rng.uniform(-10, 10)),
                                   tilt=float(rng.uniform(0.0, 0.3)),
                                   header_colour=code_index)
                photo = render_phone_photo(self._codes[code_index], Symbology.QR, scene, rng)
                damage = Damage(blur_sigma_px=float(rng.uniform(0.0, 0.8)),
                                moire=float(rng.uniform(0.0, 0.15)), jpeg_quality=85)
                cached.append(damage.apply(photo, rng))
            self._cache[code_index] = cached
        return cached
