"""A simulated USB camera in front of a shop door: a shopper's face against a bright
background, with V4L2-style exposure controls that change the picture the way a real
sensor does. For tests and the technician's demo of face metering.

Scene model: every pixel has a scene brightness (the face photo dimmed by
``face_light``, the background ``background_level`` times brighter than white paper);
the sensor multiplies it by exposure time x gain and clips at 255. With
``auto_exposure`` = 3 (aperture priority, the camera's own auto) the camera meters the
*whole* picture to a mid grey, as cheap webcams do, so the bright background turns
the face into a silhouette; with 1 (manual) ``exposure_time_absolute`` and ``gain``
decide. Sensor noise is added after exposure.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from drivers.camera.camera_controls import ControlInfo
from terminal.errors import DeviceError

FRAME_METER_TARGET = 118.0          # what the camera's own auto exposure aims at
EXPOSURE_REFERENCE = 157            # exposure time that gives gain 1.0 (V4L2 default)


def backlit_scene(face_bgr: np.ndarray, width: int = 640, height: int = 480, *,
                  face_fraction: float = 0.45, face_light: float = 1.0,
                  background_level: float = 3.0) -> np.ndarray:
    """Scene brightness (float32, 255 = white paper in the shop's light): the photo in
    the middle at ``face_fraction`` of the width, a glowing doorway all around."""
    scene = np.full((height, width, 3), 255.0 * background_level, dtype=np.float32)
    w = int(width * face_fraction)
    h = int(face_bgr.shape[0] * w / face_bgr.shape[1])
    if h > height:
        h = height
        w = int(face_bgr.shape[1] * h / face_bgr.shape[0])
    photo = cv2.resize(face_bgr, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    x, y = (width - w) // 2, max(0, (height - h) // 2)
    scene[y:y + h, x:x + w] = photo * face_light
    return scene


class SimulatedControls:
    """The camera's V4L2 controls (same names and menu values as a UVC webcam)."""

    backend = "simulated-v4l2"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.values = {"auto_exposure": 3, "exposure_time_absolute": EXPOSURE_REFERENCE,
                       "gain": 0, "backlight_compensation": 0}
        self._ranges = {"auto_exposure": (0, 3), "exposure_time_absolute": (3, 2047),
                        "gain": (0, 100), "backlight_compensation": (0, 2)}
        self.sets = 0

    def available(self) -> dict[str, ControlInfo]:
        with self._lock:
            return {name: ControlInfo(name, "menu" if name == "auto_exposure" else "int",
                                      value, *self._ranges[name], default=value,
                                      inactive=name == "exposure_time_absolute"
                                      and self.values["auto_exposure"] != 1)
                    for name, value in self.values.items()}

    def set(self, name: str, value: int) -> bool:
        with self._lock:
            if name not in self.values:
                return False
            low, high = self._ranges[name]
            if not low <= value <= high:
                return False
            self.values[name] = int(value)
            self.sets += 1
            return True

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.values)


class BacklitFaceCamera:
    """Capture-device interface (``read``/``release``/``paced``) with ``controls``."""

    paced = True

    def __init__(self, scene: np.ndarray, *, noise_sigma: float = 2.0, seed: int = 5,
                 with_controls: bool = True) -> None:
        self.name = "simulated backlit camera"
        self._scene = scene
        self._rng = np.random.default_rng(seed)
        self._noise_sigma = noise_sigma
        self.controls = SimulatedControls() if with_controls else None
        self._auto_gain = self._meter_whole_frame()

    def _meter_whole_frame(self) -> float:
        """The gain the camera's own auto exposure settles on: whole-frame mean -> grey."""
        low, high = 0.01, 10.0
        for _ in range(40):                       # bisection: clipping makes it non-linear
            mid = (low + high) / 2
            mean = float(np.minimum(self._scene * mid, 255.0).mean())
            low, high = (mid, high) if mean < FRAME_METER_TARGET else (low, mid)
        return (low + high) / 2

    def sensor_gain(self) -> float:
        values = self.controls.snapshot() if self.controls else {"auto_exposure": 3}
        if values["auto_exposure"] != 1:
            return self._auto_gain
        return (values["exposure_time_absolute"] / EXPOSURE_REFERENCE) * (1 + values["gain"] / 25)

    def open(self) -> "BacklitFaceCamera":
        return self

    def read(self) -> np.ndarray:
        exposed = self._scene * self.sensor_gain()
        noise = self._rng.normal(0, self._noise_sigma, exposed.shape)
        return np.clip(exposed + noise, 0, 255).astype(np.uint8)

    def release(self) -> None:
        """Nothing to free."""

    def fail(self) -> None:  # pragma: no cover - parity with other simulators
        raise DeviceError(self.name, "simulated failure")
