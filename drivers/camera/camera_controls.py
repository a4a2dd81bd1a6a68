"""A camera's exposure controls (V4L2), found and set through ``v4l2-ctl`` when it is
installed, else through OpenCV's ``CAP_PROP_*`` properties; and ``NoControls`` for
sources without any (files, image folders, RTSP streams, most simulators).

``v4l2-ctl --list-ctrls`` is preferred because it names every control with its range
(``auto_exposure``, ``exposure_time_absolute``, ``gain``, ``backlight_compensation``;
older kernels say ``exposure_auto`` / ``exposure_absolute``); OpenCV can only read
and write a fixed set of properties, without ranges.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import cv2

log = logging.getLogger(__name__)

V4L2_CTL_TIMEOUT_S = 2.0
#: Names a V4L2 driver may use for the same control, newest first.
AUTO_EXPOSURE = ("auto_exposure", "exposure_auto")
EXPOSURE_TIME = ("exposure_time_absolute", "exposure_absolute")
GAIN = ("gain",)
BACKLIGHT = ("backlight_compensation",)
#: V4L2 auto_exposure menu: 1 = manual, 3 = aperture priority (the usual "auto").
MANUAL_EXPOSURE, AUTO_EXPOSURE_ON = 1, 3

_CTRL_LINE = re.compile(r"^\s*(?P<name>\w+)\s+0x[0-9a-f]+\s+\((?P<kind>\w+)\)\s*:\s*(?P<rest>.*)$")
_FIELD = re.compile(r"(\w+)=(-?\d+)")


@dataclass(frozen=True)
class ControlInfo:
    name: str
    kind: str                       # "int", "menu", "bool" (V4L2's words)
    value: int | None
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None
    inactive: bool = False          # e.g. exposure time while auto exposure is on

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class CameraControls(Protocol):
    """Controls of one open camera. ``set`` returns False when the camera refused."""

    backend: str                    # "v4l2-ctl", "opencv" or "none"

    def available(self) -> dict[str, ControlInfo]:
        """The controls found, by name (re-read: values change under auto exposure)."""

    def set(self, name: str, value: int) -> bool:
        """Set one control; never raises for a refused value (returns False)."""


def first_present(controls: dict[str, ControlInfo], names: tuple[str, ...]) -> ControlInfo | None:
    for name in names:
        if name in controls:
            return controls[name]
    return None


class NoControls:
    backend = "none"

    def available(self) -> dict[str, ControlInfo]:
        return {}

    def set(self, name: str, value: int) -> bool:
        return False


def parse_v4l2_ctrls(text: str) -> dict[str, ControlInfo]:
    """``v4l2-ctl --list-ctrls`` output -> controls (menu item lines are skipped)."""
    found = {}
    for line in text.splitlines():
        match = _CTRL_LINE.match(line)
        if not match:
            continue
        fields = {k: int(v) for k, v in _FIELD.findall(match.group("rest"))}
        found[match.group("name")] = ControlInfo(
            name=match.group("name"), kind=match.group("kind"), value=fields.get("value"),
            minimum=fields.get("min"), maximum=fields.get("max"),
            default=fields.get("default"), inactive="inactive" in match.group("rest"))
    return found


class V4l2CtlControls:
    backend = "v4l2-ctl"

    def __init__(self, device: str, executable: str = "v4l2-ctl") -> None:
        self.device = device
        self.executable = executable

    def available(self) -> dict[str, ControlInfo]:
        result = self._run("--list-ctrls")
        return parse_v4l2_ctrls(result.stdout) if result is not None and \
            result.returncode == 0 else {}

    def set(self, name: str, value: int) -> bool:
        if not re.fullmatch(r"\w+", name):
            return False
        result = self._run(f"--set-ctrl={name}={int(value)}")
        return result is not None and result.returncode == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str] | None:
        try:
            return subprocess.run([self.executable, "-d", self.device, *args],
                                  capture_output=True, text=True, timeout=V4L2_CTL_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("v4l2-ctl on %s failed: %s", self.device, exc)
            return None


class OpenCvControls:
    """``cv2.VideoCapture`` properties. Call only on the capture thread (OpenCV's
    capture is not thread-safe); ranges are unknown to OpenCV."""

    backend = "opencv"

    def __init__(self, capture: cv2.VideoCapture) -> None:
        import cv2
        self._capture = capture
        self._props = {"auto_exposure": cv2.CAP_PROP_AUTO_EXPOSURE,
                       "exposure_time_absolute": cv2.CAP_PROP_EXPOSURE,
                       "gain": cv2.CAP_PROP_GAIN, "brightness": cv2.CAP_PROP_BRIGHTNESS,
                       "backlight_compensation": cv2.CAP_PROP_BACKLIGHT}

    def available(self) -> dict[str, ControlInfo]:
        found = {}
        for name, prop in self._props.items():
            value = self._capture.get(prop)
            # OpenCV answers -1 (or 0 with some backends) for a property it cannot read.
            if value is not None and value != -1:
                found[name] = ControlInfo(name, "int", int(round(value)))
        return found

    def set(self, name: str, value: int) -> bool:
        prop = self._props.get(name)
        return bool(prop is not None and self._capture.set(prop, float(value)))


def v4l2_device_for(source: str) -> str | None:
    """The /dev/videoN node of a camera source ("0" or "/dev/video0"), else None."""
    if source.isdigit():
        return f"/dev/video{source}"
    if source.startswith("/dev/video") or source.startswith("/dev/v4l/"):
        return source
    return None


def controls_for(source: str, capture: cv2.VideoCapture | None = None) -> CameraControls:
    """The best control backend for an opened camera."""
    device = v4l2_device_for(source)
    if device is not None and shutil.which("v4l2-ctl"):
        return V4l2CtlControls(device)
    if capture is not None:
        return OpenCvControls(capture)
    return NoControls()
