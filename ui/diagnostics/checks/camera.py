"""The camera: opens, resolution, measured frame rate and brightness, then a face
detection on a live frame with the time of each face-pipeline stage on this CPU.

Frames are read for ``diagnostics.camera_sample_s`` on this thread (the kiosk is not
using the camera while a technician runs diagnostics; if it is, opening fails as busy).
The face models load on another thread meanwhile (``face_probe``), so the face part
adds only the pipeline's own time. Missing models do not fail the camera: the check
warns that face-pay is disabled and why.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from drivers.camera.camera_controls import (AUTO_EXPOSURE, EXPOSURE_TIME, NoControls,
                                            first_present)
from drivers.camera.capture_devices import open_device
from terminal.errors import DeviceError
from ui.diagnostics.checks.models import models_dir
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.face_probe import EngineLoad, time_face_stages
from ui.diagnostics.result import CheckResult, Status, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

_REPLUG = ("检查 USB 线并重新插拔摄像头；确认 camera.source 正确且未被其他程序占用 / Re-plug the "
           "camera, check camera.source and that no other program holds it")
#: Time kept back from the check's limit for running the face stages after the load.
_STAGES_RESERVE_S = 1.0


def check_camera(env: DiagEnvironment) -> CheckResult:
    started = time.monotonic()
    face_load = None
    if env.settings.face.enabled:
        face_load = EngineLoad(models_dir(env), env.settings.face).start()
    camera, last_frame = _sample_camera(env)
    if camera.status is Status.FAIL:
        return camera
    if face_load is None:
        camera.details["face"] = {"enabled": False}
        return camera
    deadline = started + _camera_timeout(env.settings) - _STAGES_RESERVE_S
    face = _face_part(env, face_load, last_frame, deadline)
    return _combine(camera, face)


def _sample_camera(env: DiagEnvironment) -> tuple[CheckResult, np.ndarray | None]:
    """Open, first frame, frame rate and brightness; and the last frame read, for the
    face part (None when the camera failed)."""
    s, limits = env.settings.camera, env.settings.diagnostics
    details: dict = {"source": s.source, "requested": f"{s.width}x{s.height}@{s.fps:g}"}
    try:
        device = open_device(s.source, s.width, s.height, s.fps, True)
    except DeviceError as exc:
        return failed(f"摄像头无法打开 / Camera cannot be opened: {exc}", _REPLUG,
                      **details), None
    frames, brightness = 0, []
    details["controls"] = describe_controls(device, s.face_exposure)
    try:
        started = time.monotonic()
        frame = device.read()
        details["first_frame_ms"] = round((time.monotonic() - started) * 1000, 1)
        height, width = frame.shape[:2]
        details["resolution"] = f"{width}x{height}"
        # Files, image folders and the simulator deliver at once; the capture thread
        # paces them at camera.fps, and so does this loop.
        paced = bool(getattr(device, "paced", False))
        details["paced"] = paced
        started = time.monotonic()
        while time.monotonic() - started < limits.camera_sample_s and not env.cancel.is_set():
            if paced:
                env.cancel.wait(max(0.0, started + frames / s.fps - time.monotonic()))
            frame = device.read()
            frames += 1
            if frames % 5 == 1:   # brightness of every 5th frame is plenty
                grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
                brightness.append(float(np.mean(grey)))
        elapsed = time.monotonic() - started
    except DeviceError as exc:
        return failed(f"摄像头读取失败 / Camera stopped delivering frames: {exc}", _REPLUG,
                      **details), None
    finally:
        device.release()
    fps = frames / elapsed if elapsed > 0 else 0.0
    mean = float(np.mean(brightness)) if brightness else 0.0
    details.update(measured_fps=round(fps, 1), brightness_mean=round(mean, 1),
                   frames=frames)
    if fps < limits.camera_min_fps:
        return warned(f"帧率过低：{fps:.1f} fps / Frame rate low: {fps:.1f} fps",
                      "换用 USB 2.0 以上接口、降低分辨率或检查 CPU 负载 / Use another USB "
                      "port, lower the resolution or check the CPU load", **details), frame
    if mean < limits.camera_dark_below or mean > limits.camera_bright_above:
        word = "过暗 / too dark" if mean < limits.camera_dark_below else "过亮 / too bright"
        return warned(f"画面{word}（亮度 {mean:.0f}）/ Picture brightness {mean:.0f}",
                      "调整补光灯或避开强光直射，擦净镜头 / Adjust the lighting, avoid direct "
                      "sunlight, clean the lens", **details), frame
    controls = details["controls"]
    found = ", ".join(controls["found"]) or "无 / none"
    return passed(f"摄像头正常：{width}x{height}，{fps:.0f} fps；曝光控制 / exposure controls "
                  f"({controls['backend']}): {found}；人脸测光 / face metering: "
                  f"{controls['face_metering']} / Camera OK", **details), frame


def describe_controls(device, face_exposure: str) -> dict:
    """The exposure controls the camera offers and how face metering will use them."""
    controls = getattr(device, "controls", None) or NoControls()
    try:
        found = controls.available()
    except Exception as exc:  # a driver that fails to list must not fail the check
        found = {}
        problem = str(exc)
    else:
        problem = ""
    hardware = first_present(found, AUTO_EXPOSURE) is not None and \
        first_present(found, EXPOSURE_TIME) is not None
    if face_exposure == "off":
        use = "off"
    elif face_exposure == "software" or not hardware:
        use = "software" if face_exposure != "hardware" else "none (no exposure controls)"
    else:
        use = "hardware"
    return {"backend": getattr(controls, "backend", "none"),
            "found": {name: info.as_dict() for name, info in sorted(found.items())},
            "face_metering": use, **({"problem": problem} if problem else {})}


def _face_part(env: DiagEnvironment, load: EngineLoad, frame, deadline: float) -> CheckResult:
    """Face detection and per-stage times on ``frame``, as a partial result."""
    while not load.wait(0.1):
        if env.cancel.is_set() or time.monotonic() >= deadline:
            return warned("人脸模型加载超时，未测人脸 / The face models were still loading: "
                          "face detection not tested",
                          "CPU 过载或磁盘过慢；稍后单独运行 payterm diag --only camera / The CPU "
                          "or disk is overloaded; run payterm diag --only camera again",
                          face={"enabled": True, "loaded": False})
    info = {"enabled": True, "models_load_ms": load.load_ms, "models_cached": load.cached}
    if load.engine is None:
        return warned(f"刷脸支付不可用 / Face-pay is disabled: {load.problem}",
                      "按 models 检查的提示重新安装模型（docs/face-pay.md）/ Reinstall the "
                      "models as the models check says (docs/face-pay.md)",
                      face={**info, "problem": load.problem})
    timing = time_face_stages(load.engine, frame)
    info.update(timing.as_dict())
    if not timing.faces_found:
        return warned("画面中没有人脸，未测人脸流程 / No face in view: the face pipeline was "
                      f"not measured (detection {timing.stages_ms['detection']:.0f} ms)",
                      "请一人站到摄像头前再运行 payterm diag --only camera / Ask someone to "
                      "face the camera and run payterm diag --only camera", face=info)
    limit = env.settings.diagnostics.face_frame_warn_ms
    if timing.total_ms > limit:
        return warned(f"人脸流程过慢：每帧 {timing.total_ms:.0f} ms / Face pipeline slow: "
                      f"{timing.total_ms:.0f} ms per frame (limit {limit:g} ms)",
                      "关闭其他程序，设 face.det_size = 320、face.threads = CPU 核数 / Close "
                      "other programs; set face.det_size = 320 and face.threads to the core "
                      "count", face=info)
    return passed(f"检测到人脸，每帧 {timing.total_ms:.0f} ms / Face found, "
                  f"{timing.total_ms:.0f} ms per frame", face=info)


def _combine(camera: CheckResult, face: CheckResult) -> CheckResult:
    """The camera's result with the face part's sentence, action and details added; the
    more serious of the two statuses wins."""
    status = Status.WARN if Status.WARN in (camera.status, face.status) else Status.PASS
    message = f"{camera.message}；{face.message}"
    action = "；".join(part for part in (camera.action, face.action) if part)
    return CheckResult(status, message, action, {**camera.details, **face.details})


def _camera_timeout(settings) -> float:
    return settings.diagnostics.check_timeout_s + settings.diagnostics.camera_sample_s + \
        settings.camera.read_timeout_s


SPEC = CheckSpec("camera", "摄像头 / Camera", check_camera, timeout_s=_camera_timeout)
