"""Where the face models are: the ``face.models_dir`` setting, resolved.

An absolute path is used as it is (a kiosk: the package's models folder). A relative
path (the development and CI default, ``../shared/models``) is looked up from the
working directory first, then from the checkout this code runs from, so that
``payterm`` started from any folder of a development machine still finds the models.
"""

from __future__ import annotations

from pathlib import Path

CHECKOUT_ROOT = Path(__file__).resolve().parents[1]


def resolve_models_dir(setting: str, cwd: Path | None = None) -> Path:
    path = Path(setting).expanduser()
    if path.is_absolute():
        return path.resolve()
    candidates = [((cwd or Path.cwd()) / path).resolve(), (CHECKOUT_ROOT / path).resolve()]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]    # missing: the error names the working-directory reading
