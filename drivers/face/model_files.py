"""Finding and verifying the face model files.

Every file is checked against ``SHA256SUMS`` in the models folder before a session is
created: a missing, truncated or swapped file disables face-pay with the reason, and
every other tender keeps working (the caller catches ``FaceUnavailable``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from terminal.errors import DeviceError

DETECTOR = "insightface/models/buffalo_sc/det_500m.onnx"
RECOGNIZER = "insightface/models/buffalo_sc/w600k_mbf.onnx"
LANDMARKS = "extra/2d106det.onnx"
ANTISPOOF_V2 = "antispoof/MiniFASNetV2.onnx"
ANTISPOOF_V1SE = "antispoof/MiniFASNetV1SE.onnx"
ANTISPOOF_CELEBA = "antispoof/minifas_v2se_128_celeba.onnx"
CHECKSUM_FILE = "SHA256SUMS"


class FaceUnavailable(DeviceError):
    """Face-pay cannot run (models missing or wrong); other tenders are unaffected."""

    default_user_message = "刷脸支付暂不可用，请用其他方式付款 / Face-pay unavailable, " \
                           "please pay another way"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__("face", f"face-pay disabled: {reason}", retryable=False)


@dataclass(frozen=True)
class ModelPaths:
    detector: Path
    recognizer: Path
    antispoof_v2: Path
    antispoof_v1se: Path
    landmarks: Path | None
    antispoof_celeba: Path | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_checksums(models_dir: Path) -> dict[str, str]:
    """``SHA256SUMS`` as {relative path: hex digest}. Raises FaceUnavailable."""
    sums_file = models_dir / CHECKSUM_FILE
    try:
        lines = sums_file.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise FaceUnavailable(f"{sums_file} is missing (see docs/face-pay.md)") from None
    except OSError as exc:
        raise FaceUnavailable(f"cannot read {sums_file}: {exc.strerror}") from exc
    sums = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 2 and len(parts[0]) == 64:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def verify_models(models_dir: Path, *, landmarks: bool, celeba: bool) -> ModelPaths:
    """Check that each needed file exists and matches its checksum.

    Raises FaceUnavailable naming the first bad file and what is wrong with it.
    """
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        raise FaceUnavailable(f"models folder {models_dir} does not exist "
                              "(setting face.models_dir; see docs/face-pay.md)")
    sums = read_checksums(models_dir)
    wanted = [DETECTOR, RECOGNIZER, ANTISPOOF_V2, ANTISPOOF_V1SE]
    wanted += [LANDMARKS] if landmarks else []
    wanted += [ANTISPOOF_CELEBA] if celeba else []
    for rel in wanted:
        path = models_dir / rel
        if not path.is_file():
            raise FaceUnavailable(f"model file {path} is missing")
        if rel not in sums:
            raise FaceUnavailable(f"{rel} has no line in {models_dir / CHECKSUM_FILE}")
        actual = sha256_of(path)
        if actual != sums[rel]:
            raise FaceUnavailable(f"{path} has the wrong checksum (sha256 {actual[:12]}..., "
                                  f"expected {sums[rel][:12]}...): damaged or replaced")
    return ModelPaths(detector=models_dir / DETECTOR, recognizer=models_dir / RECOGNIZER,
                      antispoof_v2=models_dir / ANTISPOOF_V2,
                      antispoof_v1se=models_dir / ANTISPOOF_V1SE,
                      landmarks=models_dir / LANDMARKS if landmarks else None,
                      antispoof_celeba=models_dir / ANTISPOOF_CELEBA if celeba else None)
