"""The camera: opens, resolution, measured frame rate and brightness.

Frames are read for ``diagnostics.camera_sample_s`` on this thread (the kiosk is not
using the camera while a technician runs diagnostics; if it is, opening fails as busy).
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from drivers.camera.capture_devices import open_device
from terminal.errors import DeviceError
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

_REPLUG = ("检查 USB 线并重新插拔摄像头；确认 camera.source 正确且未被其他程序占用 / Re-plug the "
           "camera, check camera.source and that no other program holds it")


def check_camera(env: DiagEnvironment) -> CheckResult:
    s, limits = env.settings.camera, env.settings.diagnostics
    details: dict = {"source": s.source, "requested": f"{s.width}x{s.height}@{s.fps:g}"}
    try:
        device = open_device(s.source, s.width, s.height, s.fps, True)
    except DeviceError as exc:
        return failed(f"摄像头无法打开 / Camera cannot be opened: {exc}", _REPLUG, **details)
    frames, brightness = 0, []
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
                      **details)
    finally:
        device.release()
    fps = frames / elapsed if elapsed > 0 else 0.0
    mean = float(np.mean(brightness)) if brightness else 0.0
    details.update(measured_fps=round(fps, 1), brightness_mean=round(mean, 1),
                   frames=frames)
    if fps < limits.camera_min_fps:
        return warned(f"帧率过低：{fps:.1f} fps / Frame rate low: {fps:.1f} fps",
                      "换用 USB 2.0 以上接口、降低分辨率或检查 CPU 负载 / Use another USB "
                      "port, lower the resolution or check the CPU load", **details)
    if mean < limits.camera_dark_below or mean > limits.camera_bright_above:
        word = "过暗 / too dark" if mean < limits.camera_dark_below else "过亮 / too bright"
        return warned(f"画面{word}（亮度 {mean:.0f}）/ Picture brightness {mean:.0f}",
                      "调整补光灯或避开强光直射，擦净镜头 / Adjust the lighting, avoid direct "
                      "sunlight, clean the lens", **details)
    return passed(f"摄像头正常：{width}x{height}，{fps:.0f} fps / Camera OK", **details)


def _camera_timeout(settings) -> float:
    return settings.diagnostics.check_timeout_s + settings.diagnostics.camera_sample_s + \
        settings.camera.read_timeout_s


SPEC = CheckSpec("camera", "摄像头 / Camera", check_camera, timeout_s=_camera_timeout)
