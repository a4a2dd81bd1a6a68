"""Pictures from files: loading one with a clear reason when that fails, and expanding
folders and playlists into the list of pictures to scan or to play as a camera."""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage

from terminal.errors import UserFacingError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm")
PLAYLIST_SUFFIXES = (".txt", ".m3u", ".lst")
#: Refuse files bigger than this before decoding them (a decompression bomb guard).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_IMAGE_PIXELS = 80_000_000


class UnreadableImage(UserFacingError):
    """A file that is not a picture we can read; the message names the file and why."""


def load_image(path: Path) -> np.ndarray:
    """A BGR uint8 array from an image file. Raises UnreadableImage with the reason."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableImage(f"{path}: cannot open ({exc.strerror})",
                              user_message=f"无法打开图片 / Cannot open image: {path.name}") from None
    if size > MAX_FILE_BYTES:
        raise UnreadableImage(f"{path}: file too large ({size // 1_000_000} MB)",
                              user_message=f"图片文件过大 / Image file too large: {path.name}")
    dimensions = _header_size(path)
    if dimensions and dimensions[0] * dimensions[1] > MAX_IMAGE_PIXELS:
        raise UnreadableImage(f"{path}: image too large ({dimensions[0]}x{dimensions[1]} px)",
                              user_message=f"图片过大 / Image too large: {path.name}")
    data = np.fromfile(str(path), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise UnreadableImage(f"{path}: not a readable image (empty, damaged or unknown format)",
                              user_message=f"无法读取图片 / Not a readable image: {path.name}")
    return image


def _header_size(path: Path) -> tuple[int, int] | None:
    """Width and height from the file header only (Pillow reads no pixels here), so a
    forged 60000x60000 PNG is refused before anything is decoded. None if unknown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's own bomb warning: we decide below
        try:
            with PILImage.open(path) as header:
                return header.size
        except PILImage.DecompressionBombError:
            raise UnreadableImage(f"{path}: image too large (decompression bomb)",
                                  user_message=f"图片过大 / Image too large: {path.name}") from None
        except Exception:  # not a format Pillow knows: OpenCV will say if it can read it
            return None


def expand_image_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders become their image files (sorted by name); playlists
    become the paths listed in them (one a line, ``#`` comments, relative to the list)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES))
        elif path.suffix.lower() in PLAYLIST_SUFFIXES and path.is_file():
            out.extend(read_playlist(path))
        else:
            out.append(path)
    return out


def read_playlist(path: Path) -> list[Path]:
    """The image paths listed in a playlist file."""
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entry = Path(line).expanduser()
            entries.append(entry if entry.is_absolute() else path.parent / entry)
    return entries


def fit_within(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Downscale (never up) to fit ``width`` x ``height``, keeping the aspect ratio."""
    h, w = image.shape[:2]
    factor = min(width / w, height / h)
    if factor >= 1.0:
        return image
    return cv2.resize(image, (max(1, int(w * factor)), max(1, int(h * factor))),
                      interpolation=cv2.INTER_AREA)
