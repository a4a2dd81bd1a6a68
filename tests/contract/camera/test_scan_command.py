"""``payterm scan`` run as a process (it is the ui layer; tests here do not import it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.screen_photo import render_qr

REPO = Path(__file__).resolve().parents[3]
PAYMENT = "281234567890123456"


def payterm(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=90)


def code_image(payload: str) -> np.ndarray:
    canvas = np.full((480, 640), 230, np.uint8)
    symbol = render_qr(payload)
    canvas[100: 100 + symbol.shape[0], 200: 200 + symbol.shape[1]] = symbol
    return canvas


def test_scan_images_json_masks_payment_codes_and_reports_bad_files(tmp_path, data_dir):
    folder = tmp_path / "imgs"
    folder.mkdir()
    cv2.imwrite(str(folder / "a_pay.png"), code_image(PAYMENT))
    cv2.imwrite(str(folder / "b_url.png"), code_image("https://example.cn/\x1b[2J"))
    cv2.imwrite(str(folder / "c_blank.png"), np.full((100, 100), 255, np.uint8))
    (folder / "d_broken.jpg").write_bytes(b"\xff\xd8 not really")
    result = payterm(data_dir, "scan", "--json", str(folder))
    assert result.returncode == 0, result.stderr
    assert PAYMENT not in result.stdout and "2812**********3456" in result.stdout
    images = {Path(e["image"]).name: e for e in json.loads(result.stdout)["images"]}
    assert images["a_pay.png"]["chosen"]["wallet"] == "alipay"
    url = images["b_url.png"]["chosen"]
    assert not url["payment_code"] and "\x1b" not in url["text"] and "not a payment code" in url["reason"]
    assert images["c_blank.png"]["codes"] == []
    assert "not a readable image" in images["d_broken.jpg"]["error"]


def test_scan_text_output_and_exit_codes(tmp_path, data_dir):
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((100, 100), 255, np.uint8))
    result = payterm(data_dir, "scan", str(blank))
    assert result.returncode == 1 and "no code found" in result.stdout
    assert payterm(data_dir, "scan").returncode == 2
    assert payterm(data_dir, "scan", str(tmp_path / "missing.png")).returncode == 2


def test_scan_camera_simulated_shows_live_masked_decodes(data_dir):
    result = payterm(data_dir, "scan", "--camera", "--source", "sim", "--seconds", "3", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["camera"]["frames_captured"] > 0
    assert summary["scans"] and all(s["payment_code"] and "*" in s["text"] for s in summary["scans"])


def test_scan_camera_that_cannot_open_is_a_device_error(tmp_path, data_dir):
    result = payterm(data_dir, "scan", "--camera", "--source", str(tmp_path / "video7"),
                     "--seconds", "1")
    assert result.returncode == 4
    assert "cannot open" in result.stderr
