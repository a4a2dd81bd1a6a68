"""Exposure metered on the face, so a shopper with a shop window behind them is not a
silhouette.

A camera on auto exposure meters the whole picture: a bright door or window behind the
shopper pulls exposure down and the face goes black. ``FaceExposure`` meters only the
face region (the last face box, or where a face at a kiosk is expected when none is
known yet) and steers it to a target brightness:

* hardware: where the camera has the V4L2 controls (manual exposure mode plus exposure
  time, then gain), it sets them, a step at a time, letting each change settle;
* software: otherwise (or when the hardware is at its limit) a tone curve (gamma) lifts
  the face region to the target in the picture given to face analysis and the preview.

``restore()`` gives the camera back its own auto exposure (for reading phone screens).
Pure logic over a ``CameraControls``; time is injected.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

import cv2
import numpy as np

from drivers.camera.camera_controls import (AUTO_EXPOSURE, AUTO_EXPOSURE_ON, EXPOSURE_TIME,
                                            GAIN, MANUAL_EXPOSURE, CameraControls,
                                            ControlInfo, first_present)

Box = tuple[float, float, float, float]


class ExposureMode(str, Enum):
    AUTO = "auto"            # hardware when the camera has the controls, else software
    HARDWARE = "hardware"    # camera controls only
    SOFTWARE = "software"    # tone curve only
    OFF = "off"              # leave the camera's own auto exposure alone


def metering_region(shape: tuple[int, ...], face_box: Box | None) -> tuple[int, int, int, int]:
    """(x1, y1, x2, y2) to meter: the face box (inner part: hair and background at its
    edges would skew it), else the upper middle where a shopper's face is expected."""
    height, width = shape[:2]
    if face_box is not None:
        x1, y1, x2, y2 = face_box
        dx, dy = (x2 - x1) * 0.2, (y2 - y1) * 0.15
        box = (x1 + dx, y1 + dy, x2 - dx, y2 - dy)
    else:
        box = (width * 0.35, height * 0.15, width * 0.65, height * 0.6)
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    x1, x2 = max(0, min(x1, width - 1)), max(1, min(x2, width))
    y1, y2 = max(0, min(y1, height - 1)), max(1, min(y2, height))
    return x1, y1, max(x2, x1 + 1), max(y2, y1 + 1)


def region_luma(image: np.ndarray, region: tuple[int, int, int, int]) -> float:
    """Mean luma (0..255) of the region."""
    x1, y1, x2, y2 = region
    patch = image[y1:y2, x1:x2]
    grey = patch if patch.ndim == 2 else cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    return float(grey.mean()) if grey.size else 0.0


def gamma_for(luma: float, target: float) -> float:
    """The gamma that maps a region of mean ``luma`` to ``target`` (clamped)."""
    luma = min(max(luma, 1.0), 254.0)
    return min(2.5, max(0.25, math.log(target / 255.0) / math.log(luma / 255.0)))


def apply_gamma(image: np.ndarray, gamma: float) -> np.ndarray:
    lut = np.clip(((np.arange(256) / 255.0) ** gamma) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return cv2.LUT(image, lut)


@dataclass(frozen=True)
class ExposureReport:
    """What the metering did last (for the technician and the tests)."""
    mode: str                       # "hardware", "software", "hardware+software", "off"
    region: tuple[int, int, int, int]
    luma: float                     # measured on the camera's picture
    exposure: int | None = None
    gain: int | None = None
    gamma: float = 1.0


class FaceExposure:
    """Call ``process`` with each picture meant for face analysis (one thread)."""

    def __init__(self, controls: CameraControls, *, mode: ExposureMode = ExposureMode.AUTO,
                 target_luma: float = 115.0, tolerance: float = 20.0, settle_s: float = 0.25,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.controls = controls
        self.mode = mode
        self.target = float(target_luma)
        self.tolerance = float(tolerance)
        self.settle_s = settle_s
        self._clock = clock
        self._last_change = -1e9
        self._gamma = 1.0
        self._auto_ctrl: ControlInfo | None = None
        self._exposure_ctrl: ControlInfo | None = None
        self._gain_ctrl: ControlInfo | None = None
        self._exposure: int | None = None
        self._gain: int | None = None
        self._original: dict[str, int] = {}
        self._manual = False
        self._hardware_maxed = False
        self._found = False
        self.last: ExposureReport | None = None

    # -- what the camera has ----------------------------------------------------------
    def _discover(self) -> None:
        if self._found:
            return
        self._found = True
        if self.mode in (ExposureMode.OFF, ExposureMode.SOFTWARE):
            return
        controls = self.controls.available()
        auto = first_present(controls, AUTO_EXPOSURE)
        exposure = first_present(controls, EXPOSURE_TIME)
        if auto is None or exposure is None or exposure.value is None:
            return                  # no manual exposure: software only
        self._auto_ctrl, self._exposure_ctrl = auto, exposure
        self._gain_ctrl = first_present(controls, GAIN)
        self._exposure = exposure.value
        self._gain = self._gain_ctrl.value if self._gain_ctrl else None
        self._original = {auto.name: auto.value if auto.value is not None else AUTO_EXPOSURE_ON,
                          exposure.name: exposure.value}
        if self._gain_ctrl is not None and self._gain is not None:
            self._original[self._gain_ctrl.name] = self._gain

    @property
    def hardware(self) -> bool:
        self._discover()
        return self._exposure_ctrl is not None

    # -- per picture ------------------------------------------------------------------
    def process(self, image: np.ndarray, face_box: Box | None = None) -> np.ndarray:
        """Meter ``image`` on the face; steer the camera; return the picture to analyse
        (tone-corrected when software correction is in use)."""
        self._discover()
        region = metering_region(image.shape, face_box)
        luma = region_luma(image, region)
        if self.mode is ExposureMode.OFF:
            self.last = ExposureReport("off", region, luma)
            return image
        used = []
        if self.hardware and not self._hardware_maxed:
            self._steer_hardware(luma)
            used.append("hardware")
        software_allowed = self.mode in (ExposureMode.AUTO, ExposureMode.SOFTWARE)
        if software_allowed and (not self.hardware or self._hardware_maxed):
            wanted = gamma_for(luma, self.target) if abs(luma - self.target) > \
                self.tolerance / 2 else 1.0
            self._gamma = 0.5 * self._gamma + 0.5 * wanted       # no flicker
            used.append("software")
        else:
            self._gamma = 1.0
        self.last = ExposureReport("+".join(used) or "none", region, luma, self._exposure,
                                   self._gain, round(self._gamma, 3))
        if abs(self._gamma - 1.0) < 0.02:
            return image
        return apply_gamma(image, self._gamma)

    def _steer_hardware(self, luma: float) -> None:
        auto_ctrl, exposure_ctrl = self._auto_ctrl, self._exposure_ctrl
        if auto_ctrl is None or exposure_ctrl is None:
            return              # not reached: called only when ``hardware`` (both found)
        now = self._clock()
        if abs(luma - self.target) <= self.tolerance or now - self._last_change < self.settle_s:
            return
        if not self._manual:
            self._manual = self.controls.set(auto_ctrl.name, MANUAL_EXPOSURE)
            if not self._manual:
                self._hardware_maxed = True      # the camera refuses manual: software
                return
        ratio = self.target / max(luma, 1.0)
        # Part of the way each step: the picture reacts a frame or two later.
        exposure = self._clamp(exposure_ctrl, round(self._exposure * ratio ** 0.8))
        if exposure != self._exposure and self.controls.set(exposure_ctrl.name, exposure):
            self._exposure = exposure
        elif self._gain_ctrl is not None and self._gain is not None:
            step = max(1, ((self._gain_ctrl.maximum or 100) - (self._gain_ctrl.minimum or 0)) // 10)
            gain = self._clamp(self._gain_ctrl, self._gain + (step if ratio > 1 else -step))
            if gain != self._gain and self.controls.set(self._gain_ctrl.name, gain):
                self._gain = gain
            elif ratio > 1:
                self._hardware_maxed = True       # all the light the sensor can give
        elif ratio > 1:
            self._hardware_maxed = True
        self._last_change = now

    @staticmethod
    def _clamp(control: ControlInfo, value: int) -> int:
        low = control.minimum if control.minimum is not None else 1
        high = control.maximum if control.maximum is not None else max(value, 1)
        return int(min(max(value, low), high))

    def reset(self) -> None:
        """The camera was reopened (unplugged and back): it starts on its own auto
        exposure again, so forget what was set and look at its controls afresh."""
        self._found = self._manual = self._hardware_maxed = False
        self._auto_ctrl = self._exposure_ctrl = self._gain_ctrl = None
        self._exposure = self._gain = None
        self._original = {}
        self._gamma = 1.0
        self._last_change = -1e9

    def describe(self) -> dict[str, Any]:
        """For the technician: what metering can use on this camera, and did last."""
        self._discover()
        last = self.last
        return {"mode": self.mode.value, "backend": getattr(self.controls, "backend", "none"),
                "hardware": self.hardware, "target_luma": self.target,
                "last": None if last is None else {
                    "used": last.mode, "face_luma": round(last.luma, 1),
                    "exposure": last.exposure, "gain": last.gain, "gamma": last.gamma}}

    def restore(self) -> None:
        """Give the camera back its own settings (auto exposure) and drop any software
        correction; the next ``process`` starts metering afresh."""
        if self._manual:
            for name, value in self._original.items():
                if name != (self._auto_ctrl.name if self._auto_ctrl else ""):
                    self.controls.set(name, value)
            if self._auto_ctrl is not None:
                self.controls.set(self._auto_ctrl.name, self._original[self._auto_ctrl.name])
        self._manual = self._hardware_maxed = False
        self._exposure = self._original.get(self._exposure_ctrl.name) if self._exposure_ctrl else None
        self._gain = self._original.get(self._gain_ctrl.name) if self._gain_ctrl else None
        self._gamma = 1.0
        self._last_change = -1e9
