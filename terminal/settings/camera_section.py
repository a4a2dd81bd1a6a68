"""The camera (payment codes and faces)."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class CameraSettings:
    source: str = setting("0", doc="device index, device path, video file, RTSP URL or image folder")
    width: int = setting(640, min=160, max=4096)
    height: int = setting(480, min=120, max=4096)
    fps: float = setting(30.0, min=1, max=120)
