"""onnxruntime session creation tuned for a small shared CPU.

Thread spinning is off: with four or five sessions in one process on 2 cores, the
default busy-waiting threads of one session starve the next (MODELS.md measured 71 ms
against 19 ms for the same frame).
"""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from drivers.face.model_files import FaceUnavailable

PROVIDERS = ["CPUExecutionProvider"]


def quiet_onnxruntime() -> None:
    """det_500m declares 640-sized outputs; at 320 onnxruntime warns on every run."""
    ort.set_default_logger_severity(3)


def session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return options


def open_session(path: Path, threads: int) -> ort.InferenceSession:
    """A CPU session; a file onnxruntime cannot load disables face-pay with the reason."""
    try:
        return ort.InferenceSession(str(path), session_options(threads), providers=PROVIDERS)
    except Exception as exc:  # onnxruntime raises several private exception types
        raise FaceUnavailable(f"cannot load {path.name}: {exc}") from exc
