"""Face metering on a synthetic backlit frame: the simulated camera's own auto exposure
makes a silhouette; metering on the face fixes it through the camera's controls, or
in software when the camera has none."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.backlit_camera import BacklitFaceCamera, backlit_scene
from drivers.camera.camera_controls import NoControls, parse_v4l2_ctrls
from drivers.camera.exposure import (ExposureMode, FaceExposure, metering_region,
                                     region_luma)

TARGET, TOLERANCE = 115.0, 20.0


def synthetic_face() -> np.ndarray:
    """A face-sized patch (skin tone with darker eyes and mouth) on a mid background."""
    rng = np.random.default_rng(1)
    patch = np.full((300, 260, 3), (120, 140, 170), dtype=np.float32)
    patch[110:130, 70:110] = patch[110:130, 150:190] = 40.0
    patch[210:225, 95:165] = 70.0
    return (patch + rng.normal(0, 8, patch.shape)).clip(0, 255).astype(np.uint8)


@pytest.fixture
def scene():
    return backlit_scene(synthetic_face(), 320, 240, background_level=12.0)


def face_luma(image) -> float:
    return region_luma(image, metering_region(image.shape, None))


def run(camera, metering, frames: int = 30) -> np.ndarray:
    now = [0.0]
    metering._clock = lambda: now[0]
    image = camera.read()
    for _ in range(frames):
        image = metering.process(camera.read())
        now[0] += 0.3
    return image


def test_the_cameras_own_auto_exposure_makes_a_silhouette(scene):
    frame = BacklitFaceCamera(scene).read()
    assert abs(float(frame.mean()) - 118) < 10          # whole frame metered to grey
    assert face_luma(frame) < 25                          # ...and the face is black


def test_hardware_metering_brings_the_face_to_the_target(scene):
    camera = BacklitFaceCamera(scene)
    metering = FaceExposure(camera.controls, target_luma=TARGET, tolerance=TOLERANCE)
    image = run(camera, metering)
    assert abs(face_luma(image) - TARGET) <= TOLERANCE
    values = camera.controls.snapshot()
    # Manual mode; the exposure time read under auto (157) was not what auto used.
    assert values["auto_exposure"] == 1 and values["exposure_time_absolute"] != 157
    assert metering.last.mode == "hardware" and metering.last.gamma == 1.0
    metering.restore()
    assert camera.controls.snapshot()["auto_exposure"] == 3
    assert camera.controls.snapshot()["exposure_time_absolute"] == 157


def test_software_metering_when_the_camera_has_no_controls(scene):
    camera = BacklitFaceCamera(backlit_scene(synthetic_face(), 320, 240, background_level=5.0),
                               with_controls=False)
    raw = camera.read()
    metering = FaceExposure(NoControls(), target_luma=TARGET, tolerance=TOLERANCE)
    image = run(camera, metering, frames=10)
    assert face_luma(raw) < 60
    assert abs(face_luma(image) - TARGET) <= TOLERANCE
    assert metering.last.mode == "software" and metering.last.gamma < 0.8
    assert image is not raw and face_luma(raw) < 60        # the camera's frame untouched


def test_hardware_at_its_limit_hands_over_to_software():
    camera = BacklitFaceCamera(backlit_scene(synthetic_face(), 320, 240, face_light=0.004,
                                             background_level=1.0))
    metering = FaceExposure(camera.controls, target_luma=TARGET, tolerance=TOLERANCE)
    image = run(camera, metering, frames=60)
    assert camera.controls.snapshot()["exposure_time_absolute"] == 2047
    assert camera.controls.snapshot()["gain"] == 100
    assert metering.last.mode == "software"
    assert face_luma(image) > face_luma(camera.read())


def test_metering_uses_the_face_box_when_there_is_one():
    image = np.zeros((480, 640, 3), np.uint8)
    image[100:300, 400:560] = 200
    assert metering_region(image.shape, (400, 100, 560, 300)) == (432, 130, 528, 270)
    assert region_luma(image, metering_region(image.shape, (400, 100, 560, 300))) == 200
    assert region_luma(image, metering_region(image.shape, None)) < 50


def test_off_leaves_everything_alone(scene):
    camera = BacklitFaceCamera(scene)
    metering = FaceExposure(camera.controls, mode=ExposureMode.OFF)
    frame = camera.read()
    assert metering.process(frame) is frame and camera.controls.sets == 0


def test_a_reopened_camera_is_looked_at_afresh(scene):
    camera = BacklitFaceCamera(scene)
    metering = FaceExposure(camera.controls)
    run(camera, metering, frames=5)
    camera.controls.set("auto_exposure", 3)               # replugged: back on auto
    metering.reset()
    run(camera, metering, frames=30)
    assert camera.controls.snapshot()["auto_exposure"] == 1


V4L2_OUTPUT = """
User Controls

                     brightness 0x00980900 (int)    : min=-64 max=64 step=1 default=0 value=0
                           gain 0x00980913 (int)    : min=0 max=100 step=1 default=0 value=4
         backlight_compensation 0x0098091c (int)    : min=0 max=2 step=1 default=1 value=1

Camera Controls

                  auto_exposure 0x009a0901 (menu)   : min=0 max=3 default=3 value=3 (Aperture Priority Mode)
				1: Manual Mode
				3: Aperture Priority Mode
         exposure_time_absolute 0x009a0902 (int)    : min=1 max=5000 step=1 default=157 value=157 flags=inactive
"""


def test_v4l2_ctl_listing_is_parsed():
    controls = parse_v4l2_ctrls(V4L2_OUTPUT)
    assert sorted(controls) == ["auto_exposure", "backlight_compensation", "brightness",
                                "exposure_time_absolute", "gain"]
    exposure = controls["exposure_time_absolute"]
    assert (exposure.minimum, exposure.maximum, exposure.value, exposure.inactive) == \
        (1, 5000, 157, True)
    assert controls["auto_exposure"].kind == "menu" and controls["gain"].value == 4
    assert controls["brightness"].minimum == -64
