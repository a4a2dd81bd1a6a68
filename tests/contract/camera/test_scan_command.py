"""``payterm scan`` run as a process (it is the ui layer; tests here do not import it)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import segno

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
    assert images["a_pay.png"]["chosen"]["withheld"]
    url = images["b_url.png"]["chosen"]
    assert not url["payment_code"] and "not a payment code" in url["reason"]
    # The JSON is exact (the escape character is there); the display form is safe.
    assert url["text"] == "https://example.cn/\x1b[2J" and url["exact"]
    assert base64.b64decode(url["bytes_base64"]) == b"https://example.cn/\x1b[2J"
    assert "\x1b" not in url["display"] and "\\x1b" in url["display"]
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
    assert summary["scans"] and all(s["payment_code"] and "*" in s["display"]
                                    and s["text"] is None for s in summary["scans"])


def test_scan_camera_that_cannot_open_is_a_device_error(tmp_path, data_dir):
    result = payterm(data_dir, "scan", "--camera", "--source", str(tmp_path / "video7"),
                     "--seconds", "1")
    assert result.returncode == 4
    assert "cannot open" in result.stderr


def test_scan_json_is_exact_for_shift_jis_and_long_payloads(tmp_path, data_dir):
    """Shift-JIS with its ECI (ZBar reads it first and would re-encode it) and a long
    payload: the JSON holds the exact text and bytes; the text output says it was cut."""
    sjis = "日本語 / テスト"
    long_text = "https://example.cn/?" + "q=1&" * 80
    cv2.imwrite(str(tmp_path / "sjis.png"), np.kron(
        np.pad(1 - np.array(segno.make_qr(sjis, encoding="shift_jis", eci=True).matrix,
                            dtype=np.uint8), 4, constant_values=1) * 255,
        np.ones((6, 6), np.uint8)).astype(np.uint8))
    cv2.imwrite(str(tmp_path / "long.png"), render_qr(long_text))
    result = payterm(data_dir, "scan", "--json", str(tmp_path / "sjis.png"),
                     str(tmp_path / "long.png"))
    assert result.returncode == 0, result.stderr
    sjis_code, long_code = (e["chosen"] for e in json.loads(result.stdout)["images"])
    assert sjis_code["text"] == sjis and sjis_code["charset"] == "shift_jis"
    assert sjis_code["charset_source"] == "eci"
    assert base64.b64decode(sjis_code["bytes_base64"]) == sjis.encode("shift_jis")
    assert long_code["text"] == long_text and len(long_code["text"]) > 200
    assert long_code["display_cut"] and long_code["display"].endswith("…")
    text_output = payterm(data_dir, "scan", str(tmp_path / "long.png"))
    assert "cut; --json has it whole" in text_output.stdout
