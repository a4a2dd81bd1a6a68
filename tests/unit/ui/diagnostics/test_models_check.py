import hashlib

import pytest

from tests.conftest import MODELS_DIR
from ui.diagnostics.checks.models import LICENCE_FILE, REQUIRED_MODELS, check_models
from ui.diagnostics.result import Status


@pytest.fixture
def models(tmp_path):
    """A models folder with real files and a real SHA256SUMS (tiny stand-in weights)."""
    folder = tmp_path / "models"
    lines = []
    for name in REQUIRED_MODELS + ("extra/2d106det.onnx",):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode() * 100)
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return folder


def _env(make_env, folder):
    return make_env({"face": {"models_dir": str(folder)}})


def test_complete_models_without_a_commercial_licence_warn_with_the_notice(make_env, models):
    result = check_models(_env(make_env, models))
    assert result.status is Status.WARN
    assert "non-commercial research only" in result.message
    assert len(result.details["verified"]) == 5


def test_a_commercial_licence_file_makes_it_pass(make_env, models):
    (models / LICENCE_FILE).write_text("licence")
    assert check_models(_env(make_env, models)).status is Status.PASS


def test_a_changed_file_fails_naming_it(make_env, models):
    target = models / "antispoof/MiniFASNetV2.onnx"
    target.write_bytes(b"tampered")
    result = check_models(_env(make_env, models))
    assert result.status is Status.FAIL and "MiniFASNetV2.onnx" in result.message
    assert result.details["damaged"] == ["antispoof/MiniFASNetV2.onnx"]


def test_a_missing_required_model_fails(make_env, models):
    (models / REQUIRED_MODELS[0]).unlink()
    assert check_models(_env(make_env, models)).status is Status.FAIL


def test_a_missing_optional_model_only_warns(make_env, models):
    (models / LICENCE_FILE).write_text("licence")
    (models / "extra/2d106det.onnx").unlink()
    result = check_models(_env(make_env, models))
    assert result.status is Status.WARN and "2d106det" in result.message


def test_no_checksum_list_fails(make_env, tmp_path):
    assert check_models(_env(make_env, tmp_path)).status is Status.FAIL


def test_disabled_face_pay_is_skipped(make_env):
    assert check_models(make_env({"face": {"enabled": False}})).status is Status.SKIP


@pytest.mark.models
def test_the_shipped_models_verify(make_env):
    result = check_models(_env(make_env, MODELS_DIR))
    assert result.status is Status.WARN          # complete, but the licence notice stands
    assert not result.details["damaged"] and not result.details["missing"]
