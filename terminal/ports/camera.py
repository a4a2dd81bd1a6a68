"""Port to a camera: the newest frame, never a backlog.

Implemented by ``drivers.camera`` (OpenCV capture, image folders, the simulated phone
camera). Frames are opaque to the domain (a numpy BGR array in practice).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, runtime_checkable


class CameraState(str, Enum):
    STOPPED = "stopped"
    OPENING = "opening"
    RUNNING = "running"
    #: Lost or failing; the capture thread is reopening it with backoff.
    RECONNECTING = "reconnecting"
    #: A finite source (video file or image list without looping) played to its end.
    ENDED = "ended"


@dataclass(frozen=True)
class Frame:
    """One captured picture. ``seq`` counts up from 1 per source; ``captured_at_s`` is
    ``time.monotonic()`` at capture."""

    image: Any
    seq: int
    captured_at_s: float


@dataclass(frozen=True)
class CameraStatus:
    """What a technician screen shows. ``measured_fps`` is over the last second or so;
    ``frames_dropped`` counts frames replaced in the mailbox before anyone read them."""

    state: CameraState
    source: str
    last_error: str = ""
    measured_fps: float = 0.0
    frames_captured: int = 0
    frames_dropped: int = 0
    reconnects: int = 0


@runtime_checkable
class FrameSource(Protocol):
    """A camera. ``start``/``stop`` from the owning (GUI or CLI) thread; ``latest`` from
    one consumer thread (the decoder or face worker)."""

    def start(self) -> None:
        """Start the capture thread; returns at once (opening happens on that thread)."""

    def latest(self, timeout_s: float, after_seq: int = 0) -> Frame:
        """Block up to ``timeout_s`` for a frame newer than ``after_seq`` and return the
        newest one. Raises DeviceError when the camera is lost, failing or ended (the
        error says which; reopening goes on in the background) or when no frame came
        within the timeout."""

    def status(self) -> CameraStatus:
        """A snapshot of state, last error, measured fps and counters; never blocks."""

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop and join the capture thread (up to ``timeout_s``) and release the device."""
