"""Face-pay: models, thresholds and risk rules."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class FaceSettings:
    enabled: bool = setting(True)
    models_dir: str = setting("../shared/models",
                              doc="folder with insightface/ and antispoof/; relative to the "
                                  "working directory")
    det_size: int = setting(320, choices=(320, 640))
    threads: int = setting(2, min=1, max=16)
