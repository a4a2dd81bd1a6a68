"""The camera (payment codes and faces)."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class CameraSettings:
    source: str = setting("0", doc="device index, device path, video file, RTSP URL, image folder, "
                                     "sim or sim-backlit")
    width: int = setting(640, min=160, max=4096)
    height: int = setting(480, min=120, max=4096)
    fps: float = setting(30.0, min=1, max=120)
    loop_files: bool = setting(True, doc="video files and image folders start again at the end (demo)")
    read_timeout_s: float = setting(2.0, min=0.1, max=30,
                                    doc="no frame for this long means the camera failed")
    reopen_backoff_initial_s: float = setting(0.2, min=0.01, max=10,
                                              doc="first wait before reopening a lost camera")
    reopen_backoff_max_s: float = setting(5.0, min=0.1, max=120,
                                          doc="longest wait between reopen attempts")
    face_exposure: str = setting("auto", choices=("auto", "hardware", "software", "off"),
                                 doc="meter exposure on the face (backlit shoppers): auto = "
                                     "camera controls where it has them, else software")
    face_target_luma: float = setting(115.0, min=40.0, max=220.0,
                                      doc="brightness (0-255) the face region is steered to")
