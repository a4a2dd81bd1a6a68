"""Model files are verified before use: a missing or altered file disables face-pay
with a reason (every other tender keeps working)."""

from __future__ import annotations

import shutil

import pytest

from drivers.face.engine import load_engine
from drivers.face.model_files import (ANTISPOOF_V2, DETECTOR, FaceUnavailable, read_checksums,
                                      verify_models)
from terminal.errors import DeviceError
from tests.conftest import MODELS_DIR
from tests.unit.drivers.face.face_samples import face_settings

pytestmark = pytest.mark.models


@pytest.fixture
def models_copy(tmp_path):
    """Symlinks to the real files plus a real copy of SHA256SUMS, so one file can be
    swapped without touching the shared folder."""
    root = tmp_path / "models"
    for rel in read_checksums(MODELS_DIR):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(MODELS_DIR / rel)
    shutil.copy(MODELS_DIR / "SHA256SUMS", root / "SHA256SUMS")
    return root


def test_the_shared_models_verify():
    paths = verify_models(MODELS_DIR, landmarks=True, celeba=True)
    assert paths.detector.name == "det_500m.onnx" and paths.landmarks is not None


def test_missing_folder(tmp_path):
    with pytest.raises(FaceUnavailable, match="face-pay disabled: models folder .* does not"):
        verify_models(tmp_path / "nope", landmarks=False, celeba=False)


def test_missing_checksum_file(models_copy):
    (models_copy / "SHA256SUMS").unlink()
    with pytest.raises(FaceUnavailable, match="SHA256SUMS is missing"):
        verify_models(models_copy, landmarks=False, celeba=False)


def test_missing_model_file(models_copy):
    (models_copy / DETECTOR).unlink()
    with pytest.raises(FaceUnavailable, match="det_500m.onnx is missing"):
        verify_models(models_copy, landmarks=False, celeba=False)


def test_altered_model_file_is_refused_before_loading(models_copy):
    target = models_copy / ANTISPOOF_V2
    data = (MODELS_DIR / ANTISPOOF_V2).read_bytes()
    target.unlink()
    target.write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(FaceUnavailable) as caught:
        load_engine(models_copy, face_settings())
    error = caught.value
    assert isinstance(error, DeviceError) and not error.retryable
    assert "face-pay disabled" in str(error) and "wrong checksum" in str(error)
    assert "刷脸支付暂不可用" in error.user_message and "pay another way" in error.user_message
