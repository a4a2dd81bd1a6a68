"""The live preview: frames from the camera's capture thread become QImages on this
service's thread (never the GUI thread); codes are decoded on a newest-frame pipeline,
and face frames are handed to the face service's own pipeline.

The preview is capped at ``max_preview_fps`` so painting never floods the GUI thread.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Callable

import cv2
import numpy as np
from PySide6.QtGui import QImage

from drivers.camera.camera_controls import NoControls
from drivers.camera.exposure import ExposureMode, FaceExposure
from drivers.face.pipeline import FramePipeline, PipelineResult
from terminal.code_read import RepeatFilter
from terminal.errors import DeviceError
from ui.services.views import Capability, PreviewFrame

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 640
CODE_BOX_HOLD_S = 0.6      # keep the outline on screen between decodes
#: Shown to the shopper while the capture thread reopens a lost camera (both languages:
#: whoever stands at the kiosk reads one of them).
CAMERA_LOST = ("摄像头连接中断，正在自动重新连接，请稍候或改用付款码 / The camera was "
               "disconnected and is reconnecting by itself; please wait or pay with a code")


def to_qimage(image_bgr: np.ndarray, width: int = PREVIEW_WIDTH) -> tuple[QImage, float]:
    """A deep-copied RGB QImage at most ``width`` wide, and the scale applied."""
    h, w = image_bgr.shape[:2]
    scale = min(1.0, width / float(w))
    if scale < 1.0:
        image_bgr = cv2.resize(image_bgr, (int(w * scale), int(h * scale)),
                               interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
    qimage = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0],
                    QImage.Format.Format_RGB888)
    return qimage.copy(), scale


class CameraService:
    def __init__(self, bridge, source=None, reader=None, *,
                 unavailable: str = "", repeat_window_s: float = 3.0,
                 max_preview_fps: float = 30.0, max_face_fps: float = 15.0,
                 exposure_mode: str = "off", target_luma: float = 115.0) -> None:
        self._bridge = bridge
        self._source = source
        self._reader = reader
        self._unavailable = unavailable or "未配置摄像头 / No camera configured"
        self._purpose = ""
        self._active = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._repeat = RepeatFilter(repeat_window_s)
        self._code_box: tuple = ()
        self._code_box_at = 0.0
        self._min_interval_s = 1.0 / max_preview_fps
        # Face inference on every frame would take the CPU the preview needs on a
        # 2-core kiosk; a dozen analysed frames a second is plenty for liveness.
        self._min_face_interval_s = 1.0 / max_face_fps
        self.face_sink: Callable | None = None       # set by the face service
        #: Told what the preview is for (the demo's simulated camera changes scene).
        self.on_purpose: Callable[[str], None] | None = None
        self.face_box: Callable[[], tuple | None] = lambda: None
        self._decoder = FramePipeline(self._decode, self._on_decoded, name="code-decode") \
            if reader is not None else None
        self.frames_emitted = 0
        self._last_error = ""
        #: Face-region exposure while the purpose is face-pay or enrolment (camera
        #: controls where the camera has them, else a tone curve); None when off.
        self.exposure = None
        self._metering = False
        if source is not None and ExposureMode(exposure_mode) is not ExposureMode.OFF:
            controls = source.controls() if hasattr(source, "controls") else NoControls()
            self.exposure = FaceExposure(controls, mode=ExposureMode(exposure_mode),
                                         target_luma=target_luma)

    def capability(self) -> Capability:
        if self._source is None:
            return Capability(False, self._unavailable)
        if self._last_error:
            return Capability(False, self._last_error)
        return Capability(True)

    def start(self, purpose: str) -> None:
        if self._source is None:
            return
        self._purpose = purpose
        self._repeat = RepeatFilter(self._repeat.window_s)
        if self.on_purpose is not None:
            self.on_purpose(purpose)
        if self._thread is None:
            self._source.start()
            if self._decoder is not None:
                self._decoder.start()
            self._thread = threading.Thread(target=self._run, name="camera-preview",
                                            daemon=True)
            self._thread.start()
        self._active.set()

    def stop(self) -> None:
        """Pause the preview (the capture thread keeps the camera warm)."""
        self._active.clear()
        self._purpose = ""

    def shutdown(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        self._active.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        if self._decoder is not None:
            self._decoder.stop(timeout_s)
        if self._source is not None:
            self._source.stop(timeout_s)

    # -- preview thread -------------------------------------------------------------
    def _run(self) -> None:
        last_seq, last_emit, last_face = 0, 0.0, 0.0
        while not self._stop.is_set():
            if not self._active.wait(0.5):
                continue
            try:
                frame = self._source.latest(1.0, after_seq=last_seq)
            except DeviceError as exc:
                if exc.user_message != self._last_error:
                    if not self._last_error:
                        self._bridge.camera_changed.emit(Capability(False, CAMERA_LOST))
                    self._last_error = exc.user_message
                    self._bridge.task_failed.emit("camera", exc.user_message)
                self._stop.wait(0.2)
                continue
            if self._last_error:           # frames again after an outage
                self._last_error = ""
                if self.exposure is not None:
                    self.exposure.reset()      # a reopened camera is on auto again
                self._bridge.camera_changed.emit(Capability(True))
            last_seq = frame.seq
            purpose = self._purpose
            if purpose == "code" and self._decoder is not None:
                self._decoder.submit(frame.image)
            frame = self._metered(frame, purpose in ("face", "enrol"))
            now = time.monotonic()
            if purpose in ("face", "enrol") and self.face_sink is not None and \
                    now - last_face >= self._min_face_interval_s * 0.75:
                last_face = now
                self.face_sink(frame.image)
            # A quarter of slack: frames of a camera running exactly at the cap arrive a
            # little early or late, and a strict check would drop every other one.
            if now - last_emit < self._min_interval_s * 0.75:
                continue
            last_emit = now
            self._emit_preview(frame, now)

    def _metered(self, frame, for_faces: bool):
        """Face metering on this (the preview) thread: the corrected picture goes to the
        face pipeline and to the screen; other purposes get the camera's own exposure."""
        if self.exposure is None:
            return frame
        if not for_faces:
            if self._metering:
                self.exposure.restore()
                self._metering = False
            return frame
        self._metering = True
        image = self.exposure.process(frame.image, self.face_box())
        return frame if image is frame.image else dataclasses.replace(frame, image=image)

    def _emit_preview(self, frame, now: float) -> None:
        image, scale = to_qimage(frame.image)
        box = self._code_box if now - self._code_box_at < CODE_BOX_HOLD_S else ()
        face = self.face_box() if self._purpose in ("face", "enrol") else None
        self._bridge.frame_captured.emit(PreviewFrame(
            image, tuple((int(x * scale), int(y * scale)) for x, y in box),
            tuple(v * scale for v in face) if face else None, frame.seq))
        self.frames_emitted += 1

    # -- decoding (pipeline thread) -------------------------------------------------
    def _decode(self, image):
        return self._reader.read_frame(image)

    def _on_decoded(self, result: PipelineResult) -> None:
        decode = result.value
        if result.error is not None or decode is None or not decode.found:
            return
        chosen = decode.chosen
        self._code_box, self._code_box_at = chosen.read.polygon, time.monotonic()
        if self._purpose != "code" or not chosen.is_payment_code:
            return
        if self._repeat.is_new(chosen.read, time.monotonic()):
            self._bridge.code_scanned.emit(chosen.payment_code.digits)
