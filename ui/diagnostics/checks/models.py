"""Face models: present, unchanged (sha256 against SHA256SUMS), and their licence.

The InsightFace pretrained weights are licensed for non-commercial research only; a
shop terminal is commercial use, so the check warns until a commercial licence file
(``MODEL.LICENSE`` next to the weights) is present.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, failed, passed, skipped, warned
from ui.diagnostics.spec import CheckSpec
from ui.models_location import resolve_models_dir

#: What face-pay cannot work without (detector, recogniser, the two Silent-Face
#: anti-spoofing models). Everything else listed in SHA256SUMS is optional.
REQUIRED_MODELS = (
    "insightface/models/buffalo_sc/det_500m.onnx",
    "insightface/models/buffalo_sc/w600k_mbf.onnx",
    "antispoof/MiniFASNetV2.onnx",
    "antispoof/MiniFASNetV1SE.onnx",
)
INSIGHTFACE_FILES = ("det_500m.onnx", "w600k_mbf.onnx", "det_2.5g.onnx", "2d106det.onnx")
LICENCE_FILE = "MODEL.LICENSE"
LICENCE_NOTICE = ("InsightFace 预训练模型仅限非商业研究使用，商用需取得授权 / InsightFace "
                  "pretrained weights are for non-commercial research only; commercial use "
                  "needs a licence")
_REINSTALL = ("从安装包重新拷贝模型文件夹，或执行 sha256sum -c SHA256SUMS 找出损坏文件 / Copy the "
              "models folder again from the package, or run sha256sum -c SHA256SUMS to find "
              "the damaged file")


def models_dir(env: DiagEnvironment) -> Path:
    """``face.models_dir`` resolved (``ui.models_location``)."""
    return resolve_models_dir(env.settings.face.models_dir)


def read_sums(path: Path) -> dict[str, str]:
    """``sha256sum`` output → {relative path: hex digest}."""
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            sums[parts[1].lstrip("*").strip()] = parts[0].lower()
    return sums


def sha256_file(path: Path, cancel=None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if cancel is not None and cancel.is_set():
                raise TimeoutError("cancelled")
            digest.update(chunk)
    return digest.hexdigest()


def check_models(env: DiagEnvironment) -> CheckResult:
    if not env.settings.face.enabled:
        return skipped("刷脸支付已关闭 / Face-pay is disabled (face.enabled = false)")
    folder = models_dir(env)
    details: dict = {"models_dir": str(folder)}
    sums_file = folder / "SHA256SUMS"
    if not sums_file.is_file():
        return failed(f"模型目录缺少 SHA256SUMS：{folder} / No SHA256SUMS in {folder}",
                      "检查 face.models_dir 设置并重新安装模型 / Check face.models_dir and "
                      "install the models again", **details)
    sums = read_sums(sums_file)
    missing, damaged, ok = [], [], []
    for name in sorted(set(sums) | set(REQUIRED_MODELS)):
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif name in sums and sha256_file(path, env.cancel) != sums[name]:
            damaged.append(name)
        else:
            ok.append(name)
    missing_required = [n for n in missing if n in REQUIRED_MODELS]
    licensed = (folder / LICENCE_FILE).is_file()
    uses_insightface = any(Path(n).name in INSIGHTFACE_FILES for n in ok)
    details.update(verified=ok, missing=missing, damaged=damaged,
                   commercial_licence_file=licensed,
                   licence_notice="" if licensed or not uses_insightface else LICENCE_NOTICE)
    if damaged or missing_required:
        return failed("模型文件缺失或损坏 / Model files missing or damaged: "
                      + ", ".join(damaged + missing_required), _REINSTALL, **details)
    if uses_insightface and not licensed:
        return warned(f"模型完整（{len(ok)} 个）；{LICENCE_NOTICE}",
                      f"商用前取得 InsightFace 授权并放置 {LICENCE_FILE}，或更换模型 / Get an "
                      f"InsightFace commercial licence and place {LICENCE_FILE} in the models "
                      "folder, or use other weights", **details)
    if missing:
        return warned("可选模型缺失 / Optional models missing: " + ", ".join(missing),
                      _REINSTALL, **details)
    return passed(f"模型完整（{len(ok)} 个，校验通过）/ Models complete ({len(ok)} files, "
                  "checksums match)", **details)


SPEC = CheckSpec("models", "人脸模型 / Face models", check_models)
