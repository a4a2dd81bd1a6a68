"""Loading pictures: clear reasons for bad files, folders and playlists expanded."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from drivers.camera.image_files import (UnreadableImage, expand_image_paths, fit_within,
                                        load_image)


def forged_png(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture (a decompression bomb's first bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def test_reads_a_real_image(tmp_path):
    path = tmp_path / "a.png"
    cv2.imwrite(str(path), np.full((40, 60, 3), 7, np.uint8))
    assert load_image(path).shape == (40, 60, 3)


@pytest.mark.parametrize("content,reason", [(b"", "not a readable image"),
                                            (b"\x89PNG\r\n garbage", "not a readable image"),
                                            (forged_png(60000, 60000), "too large")])
def test_bad_files_say_why(tmp_path, content, reason):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(UnreadableImage, match=reason) as info:
        load_image(path)
    assert "bad.png" in info.value.user_message


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableImage, match="cannot open"):
        load_image(tmp_path / "nope.jpg")


def test_folders_and_playlists_expand(tmp_path):
    for name in ("b.png", "a.jpg", "notes.md"):
        (tmp_path / name).write_bytes(b"x")
    playlist = tmp_path / "list.txt"
    playlist.write_text("# demo\nb.png\n\n/abs/c.png\n")
    assert [p.name for p in expand_image_paths([tmp_path])] == ["a.jpg", "b.png"]
    assert [str(p) for p in expand_image_paths([playlist])] == [str(tmp_path / "b.png"), "/abs/c.png"]


def test_fit_within_only_downscales():
    assert fit_within(np.zeros((100, 100), np.uint8), 640, 480).shape == (100, 100)
    assert fit_within(np.zeros((1000, 2000), np.uint8), 640, 480).shape == (320, 640)
