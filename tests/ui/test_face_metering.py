"""The camera service meters on the face while face-pay runs: the real capture thread
carries out the control changes, the face pipeline gets a lit face, and the camera
gets its own auto exposure back for reading phone screens."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.backlit_camera import BacklitFaceCamera, backlit_scene
from drivers.camera.camera_frame_source import CameraFrameSource
from drivers.camera.exposure import metering_region, region_luma

pytestmark = pytest.mark.gui


def face_patch() -> np.ndarray:
    patch = np.full((300, 260, 3), (120, 140, 170), dtype=np.uint8)
    patch[110:130, 70:110] = patch[110:130, 150:190] = 40
    return patch


@pytest.mark.parametrize("with_controls", [True, False], ids=["controls", "software"])
def test_face_pay_gets_a_lit_face_and_codes_get_auto_exposure_back(qtbot, with_controls):
    from ui.services.bridge import ServiceBridge
    from ui.services.camera_service import CameraService
    camera = BacklitFaceCamera(backlit_scene(face_patch(), 320, 240, background_level=6.0),
                               with_controls=with_controls)
    source = CameraFrameSource(camera.open, name="backlit", fps=30)
    service = CameraService(ServiceBridge().poster, source, exposure_mode="auto",
                            target_luma=115.0)
    seen = []
    service.face_sink = seen.append
    service.start("face")
    try:
        def lit() -> bool:
            return bool(seen) and abs(region_luma(seen[-1], metering_region(
                seen[-1].shape, None)) - 115) <= 20
        qtbot.waitUntil(lit, timeout=15000)
        report = service.exposure.describe()
        assert report["hardware"] is with_controls
        assert report["last"]["used"] == ("hardware" if with_controls else "software")
        if with_controls:
            assert camera.controls.snapshot()["auto_exposure"] == 1
            service.start("code")                          # a phone screen next
            qtbot.waitUntil(lambda: camera.controls.snapshot()["auto_exposure"] == 3,
                            timeout=5000)
    finally:
        service.shutdown()
