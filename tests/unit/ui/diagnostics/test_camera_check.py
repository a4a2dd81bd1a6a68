"""The camera check on real sources: the simulated camera, real photos, a missing device."""

from __future__ import annotations

import cv2
import numpy as np

from tests.conftest import FACES_DIR
from ui.diagnostics.checks.camera import check_camera
from ui.diagnostics.result import Status

#: Face-pay off here: these tests are about the camera; the face part (which loads the
#: models) is tested in test_camera_face.py.
_FAST = {"diagnostics": {"camera_sample_s": 0.3, "camera_min_fps": 5},
         "face": {"enabled": False}}


def _env(make_env, source, **extra):
    return make_env({"camera": {"source": source}, **_FAST, **extra})


def test_the_simulated_camera_passes_with_measurements(make_env):
    result = check_camera(_env(make_env, "sim"))
    assert result.status is Status.PASS, result.message
    assert result.details["resolution"] == "640x480"
    assert result.details["frames"] > 0 and result.details["paced"] is True


def test_a_missing_camera_fails(make_env, tmp_path):
    result = check_camera(_env(make_env, str(tmp_path / "video9.mp4")))
    assert result.status is Status.FAIL and "cannot be opened" in result.message


def test_a_dark_picture_warns(make_env, tmp_path):
    folder = tmp_path / "dark"
    folder.mkdir()
    cv2.imwrite(str(folder / "dark.png"), np.full((480, 640, 3), 8, np.uint8))
    result = check_camera(_env(make_env, str(folder)))
    assert result.status is Status.WARN and "too dark" in result.message
    assert result.details["brightness_mean"] < 10


def test_real_photos_are_read(make_env):
    result = check_camera(_env(make_env, str(FACES_DIR)))
    assert result.status in (Status.PASS, Status.WARN)
    assert result.details["brightness_mean"] > 0


def test_the_exposure_controls_found_are_reported(make_env):
    result = check_camera(_env(make_env, "sim-backlit"))
    assert result.status in (Status.PASS, Status.WARN), result.message
    controls = result.details["controls"]
    assert controls["backend"] == "simulated-v4l2"
    assert {"auto_exposure", "exposure_time_absolute", "gain"} <= set(controls["found"])
    assert controls["found"]["exposure_time_absolute"]["maximum"] == 2047
    assert controls["face_metering"] == "hardware"


def test_a_camera_without_controls_says_software_metering(make_env):
    result = check_camera(_env(make_env, "sim"))
    controls = result.details["controls"]
    assert controls == {"backend": "none", "found": {}, "face_metering": "software"}
    assert "face metering: software" in result.message
