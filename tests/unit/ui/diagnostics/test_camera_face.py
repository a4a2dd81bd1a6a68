"""The face part of the camera check: real models on a live frame from a real source.

The camera plays the demo's customer picture (scikit-image's astronaut, as the kiosk
demo camera shows it) from an image folder, or the simulated phone camera (no face).
The engine is loaded once per process by ``face_probe`` and shared by these tests.
"""

from __future__ import annotations

import cv2
import pytest

from tests.conftest import MODELS_DIR
from ui.demo.demo_camera import face_scene
from ui.diagnostics.checks.camera import check_camera
from ui.diagnostics.result import Status

_FAST = {"camera_sample_s": 0.2, "camera_min_fps": 5}
_STAGES = {"detection", "alignment_quality", "passive_liveness", "embedding"}


@pytest.fixture
def customer_camera(tmp_path):
    folder = tmp_path / "camera"
    folder.mkdir()
    cv2.imwrite(str(folder / "customer.png"), face_scene(640, 480))
    return str(folder)


def _env(make_env, source, models_dir=MODELS_DIR, **diagnostics):
    return make_env({"camera": {"source": source},
                     "face": {"models_dir": str(models_dir)},
                     "diagnostics": {**_FAST, **diagnostics}})


@pytest.mark.models
def test_a_face_in_view_is_found_and_each_stage_is_timed(make_env, customer_camera):
    result = check_camera(_env(make_env, customer_camera))
    assert result.status is Status.PASS, result.message
    assert "Face found" in result.message and "Camera OK" in result.message
    face = result.details["face"]
    assert face["faces_found"] == 1 and face["det_score"] > 0.5
    assert set(face["stages_ms"]) == _STAGES
    assert all(ms > 0 for ms in face["stages_ms"].values())
    assert face["total_ms"] == round(sum(face["stages_ms"].values()), 1)
    assert 0.0 <= face["passive_score"] <= 1.0
    assert result.details["measured_fps"] > 0       # the camera part is still there


@pytest.mark.models
def test_the_phone_camera_shows_no_face_and_warns(make_env):
    result = check_camera(_env(make_env, "sim"))
    assert result.status is Status.WARN
    assert "No face in view" in result.message and "Camera OK" in result.message
    assert result.details["face"]["faces_found"] == 0
    assert set(result.details["face"]["stages_ms"]) == {"detection"}
    assert "face the camera" in result.action


@pytest.mark.models
def test_a_slow_pipeline_warns_with_what_to_change(make_env, customer_camera):
    result = check_camera(_env(make_env, customer_camera, face_frame_warn_ms=1))
    assert result.status is Status.WARN and "Face pipeline slow" in result.message
    assert "face.det_size" in result.action


def test_missing_models_warn_that_face_pay_is_off_and_the_camera_is_still_checked(
        make_env, tmp_path, customer_camera):
    result = check_camera(_env(make_env, customer_camera, models_dir=tmp_path / "none"))
    assert result.status is Status.WARN
    assert "Face-pay is disabled" in result.message and "does not exist" in result.message
    assert result.details["resolution"] == "640x480" and result.details["frames"] > 0
    assert "problem" in result.details["face"]


def test_a_camera_that_fails_still_fails_whatever_the_models(make_env, tmp_path):
    result = check_camera(_env(make_env, str(tmp_path / "video9.mp4"),
                               models_dir=tmp_path / "none"))
    assert result.status is Status.FAIL and "cannot be opened" in result.message


def test_face_pay_switched_off_is_not_a_warning(make_env, customer_camera):
    env = make_env({"camera": {"source": customer_camera}, "face": {"enabled": False},
                    "diagnostics": _FAST})
    result = check_camera(env)
    assert result.status is Status.PASS and result.details["face"] == {"enabled": False}
