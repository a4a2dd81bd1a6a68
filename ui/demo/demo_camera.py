"""The demo's simulated camera: a phone showing payment codes over the counter, or a
customer's face (scikit-image's public-domain astronaut photo) in front of the kiosk.

It is a capture device for ``CameraFrameSource`` (``read``/``release``/``paced``), so the
real capture thread, preview, code decoder and face pipeline all run on it.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from drivers.camera.simulated_camera import SimulatedPhoneCamera

NOISY_FRAMES = 8


def astronaut_bgr() -> np.ndarray:
    from skimage import data
    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def face_scene(width: int, height: int) -> np.ndarray:
    """The astronaut photo filling the frame, as a kiosk camera sees a customer: the
    top 4:3 part of the picture (face and shoulders), scaled to the camera size."""
    photo = astronaut_bgr()
    h, w = photo.shape[:2]
    crop = photo[0:int(w * height / width), 0:w]
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)


class DemoScene:
    paced = True

    def __init__(self, codes: tuple[str, ...], width: int = 640, height: int = 480) -> None:
        self.name = "demo camera"
        self._phone = SimulatedPhoneCamera(width, height, codes=codes, frames_per_code=45,
                                           gap_frames=10)
        # Sensor noise is drawn once into a few frames that are then cycled: drawing it
        # per frame cost ~15 ms of CPU, which a real camera's read does not.
        rng = np.random.default_rng(3)
        scene = face_scene(width, height).astype(np.float32)
        self._faces = [(scene + rng.normal(0, 2.0, scene.shape)).clip(0, 255).astype(np.uint8)
                       for _ in range(NOISY_FRAMES)]
        self._face_index = 0
        self._lock = threading.Lock()
        self._mode = "code"

    def show(self, purpose: str) -> None:
        """"code": the phone; "face"/"enrol": the customer's face."""
        with self._lock:
            self._mode = "face" if purpose in ("face", "enrol") else "code"

    def open(self) -> "DemoScene":
        return self

    def read(self) -> np.ndarray:
        with self._lock:
            mode = self._mode
        if mode == "code":
            return self._phone.read()
        self._face_index = (self._face_index + 1) % len(self._faces)
        return self._faces[self._face_index].copy()

    def release(self) -> None:
        """Nothing to free."""
