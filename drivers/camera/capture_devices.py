"""The things a capture thread can read pictures from, behind one small interface:
``read()`` returns a BGR frame or raises DeviceError (or EndOfStream); ``paced`` says
whether the capture thread must pace it at the configured fps (files and simulators:
yes; a real camera paces itself).

``open_device(source, ...)`` picks one from the source text:
  ``0``, ``/dev/video0``           a camera (V4L2 through OpenCV)
  ``rtsp://...``, ``http(s)://``  a network camera
  a video file                    played as a camera (``loop`` starts it again)
  a folder, playlist or image     pictures played as a camera
  ``sim`` / ``sim:SEED``          the simulated phone camera (``simulated_camera``)
  ``sim-backlit``                 a shopper in front of a bright door, with V4L2-style
                                  exposure controls (``backlit_camera``)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import cv2
import numpy as np

from drivers.camera.image_files import (IMAGE_SUFFIXES, PLAYLIST_SUFFIXES, UnreadableImage,
                                        expand_image_paths, fit_within, load_image)
from drivers.camera.camera_controls import NoControls, controls_for
from terminal.errors import DeviceError

if TYPE_CHECKING:
    from drivers.camera.backlit_camera import BacklitFaceCamera

log = logging.getLogger(__name__)


class EndOfStream(DeviceError):
    """A finite source (file, image list) played to its end without looping."""

    def __init__(self, device: str) -> None:
        super().__init__(device, "end of stream", retryable=False,
                         user_message="视频已播放完毕 / The video source has ended")


class OpenCvDevice:
    """A camera, network stream or video file through ``cv2.VideoCapture``."""

    def __init__(self, source: str, width: int, height: int, fps: float, loop: bool) -> None:
        self.name = f"camera {source}"
        self._is_file = Path(source).is_file()
        self.paced = self._is_file
        self._loop = loop
        target: int | str = int(source) if source.isdigit() else source
        self._capture = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            self._capture.release()
            raise DeviceError(self.name, "cannot open (unplugged, busy or not a video)",
                              user_message="摄像头无法打开 / Camera cannot be opened")
        if not self._is_file:  # requests; a camera may pick the nearest mode it has
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            self._capture.set(cv2.CAP_PROP_FPS, fps)
        #: Exposure controls (V4L2 through v4l2-ctl or OpenCV); none for files/streams.
        self.controls = NoControls() if self._is_file or "://" in source else \
            controls_for(source, self._capture)

    def read(self) -> np.ndarray:
        ok, frame = self._capture.read()
        if ok and frame is not None:
            return frame
        if self._is_file:
            if not self._loop:
                raise EndOfStream(self.name)
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._capture.read()
            if ok and frame is not None:
                return frame
        raise DeviceError(self.name, "read failed (camera lost or stream interrupted)",
                          user_message="摄像头断开 / Camera disconnected")

    def release(self) -> None:
        self._capture.release()


class ImageSequenceDevice:
    """Pictures from a folder, a playlist or one file, shown one per frame."""

    paced = True

    def __init__(self, source: str, width: int, height: int, loop: bool) -> None:
        self.name = f"images {source}"
        self._paths = expand_image_paths([Path(source)])
        if not self._paths:
            raise DeviceError(self.name, "no images found", retryable=False)
        self._size = (width, height)
        self._loop = loop
        self._index = 0

    def read(self) -> np.ndarray:
        if self._index >= len(self._paths):
            if not self._loop:
                raise EndOfStream(self.name)
            self._index = 0
        path = self._paths[self._index]
        self._index += 1
        try:
            image = load_image(path)
        except UnreadableImage as exc:
            raise DeviceError(self.name, str(exc)) from exc
        return fit_within(image, *self._size)

    def release(self) -> None:
        self._paths = []


def is_image_source(source: str) -> bool:
    path = Path(source)
    return path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES + PLAYLIST_SUFFIXES


class CaptureDevice(Protocol):
    """What the capture thread uses of a device (see the module docstring)."""

    @property
    def paced(self) -> bool: ...

    def read(self) -> np.ndarray: ...

    def release(self) -> None: ...


def open_device(source: str, width: int, height: int, fps: float,
                loop: bool) -> CaptureDevice:
    """Open the device named by ``source``; raises DeviceError if it cannot be opened."""
    if source == "sim-backlit":
        return open_backlit_simulator(width, height)
    if source == "sim" or source.startswith("sim:"):
        from drivers.camera.simulated_camera import SimulatedPhoneCamera
        seed = int(source[4:]) if source[4:].isdigit() else 7
        return SimulatedPhoneCamera(width, height, seed=seed)
    if is_image_source(source):
        return ImageSequenceDevice(source, width, height, loop)
    return OpenCvDevice(source, width, height, fps, loop)


def open_backlit_simulator(width: int, height: int) -> BacklitFaceCamera:
    """The backlit simulated camera showing scikit-image's public-domain astronaut."""
    from skimage import data
    from drivers.camera.backlit_camera import BacklitFaceCamera, backlit_scene
    astronaut: np.ndarray = data.astronaut()  # type: ignore[no-untyped-call]  # skimage: untyped
    face = cv2.cvtColor(astronaut, cv2.COLOR_RGB2BGR)[0:330, 90:420]
    return BacklitFaceCamera(backlit_scene(face, width, height, background_level=12.0))
