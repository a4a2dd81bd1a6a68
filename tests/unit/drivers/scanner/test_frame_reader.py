"""payterm's frame reader on generated codes: clean, damaged, several, hostile."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import qrcode

from drivers.camera.screen_photo import render_linear, render_qr
from drivers.scanner.frame_preparation import to_gray
from drivers.scanner.frame_reader import FrameCodeReader, ReadMode, describe
from drivers.scanner.pyzbar_decoder import PyzbarDecoder
from drivers.scanner.retry_plan import REGION_STEPS
from drivers.scanner.zxing_decoder import ZxingDecoder
from terminal.code_read import Symbology
from tests.unit.drivers.scanner.degraded_set import build_degraded_set

ALIPAY = "281234567890123456"


@pytest.fixture(scope="module")
def reader() -> FrameCodeReader:
    return FrameCodeReader(budget_ms=400)


def on_canvas(symbol: np.ndarray, size=(480, 640), at=(60, 80), colour=False) -> np.ndarray:
    canvas = np.full(size, 235, np.uint8)
    y, x = at
    canvas[y: y + symbol.shape[0], x: x + symbol.shape[1]] = symbol
    return cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR) if colour else canvas


def test_clean_qr_payment_code_is_read_and_masked(reader):
    result = reader.read_frame(on_canvas(render_qr(ALIPAY), colour=True))
    assert result.found and result.chosen.is_payment_code
    assert result.chosen.read.symbology is Symbology.QR
    described = describe(result.chosen)
    assert described["display"] == "2812**********3456"
    assert described["text"] is None and described["bytes_base64"] is None
    assert "payment code" in described["withheld"]
    xs = [p[0] for p in result.chosen.read.polygon]
    assert 70 <= min(xs) <= 120  # position in frame pixels


def test_qrcode_library_output_also_reads(reader):
    image = np.array(qrcode.make(ALIPAY).get_image().convert("L"))
    result = reader.read_frame(image)
    assert result.chosen.read.raw == ALIPAY.encode()


@pytest.mark.parametrize("symbology,payload", [(Symbology.CODE128, ALIPAY),
                                               (Symbology.EAN13, "6901234567892")])
def test_linear_codes(reader, symbology, payload):
    result = reader.read_frame(on_canvas(render_linear(payload, symbology, 3, 90)))
    assert result.chosen.read.symbology is symbology and result.chosen.read.raw == payload.encode()
    if symbology is Symbology.EAN13:
        assert not result.chosen.is_payment_code and "13 digits" in result.chosen.reason


def test_url_qr_is_not_a_payment_code(reader):
    result = reader.read_frame(on_canvas(render_qr("https://shop.example.cn/p/1")))
    assert not result.chosen.is_payment_code
    assert result.chosen.display_text == "https://shop.example.cn/p/1"


def test_colour_code_on_a_channel_zbar_alone_would_miss(reader):
    # Dark red on white: the blue channel alone (what ZBar sees of BGR) is nearly flat.
    symbol = render_qr(ALIPAY)
    bgr = np.full((480, 640, 3), 240, np.uint8)
    region = bgr[60: 60 + symbol.shape[0], 80: 80 + symbol.shape[1]]
    region[symbol == 0] = (215, 30, 150)
    assert reader.read_frame(bgr).chosen.read.raw == ALIPAY.encode()


def test_two_codes_choose_the_payment_code_and_say_so(reader):
    canvas = np.full((480, 640), 235, np.uint8)
    url = render_qr("https://example.cn/promo/very/long/path/to/make/it/bigger", 6)
    pay = render_qr(ALIPAY, 4)
    canvas[20: 20 + url.shape[0], 10: 10 + url.shape[1]] = url
    canvas[250: 250 + pay.shape[0], 420: 420 + pay.shape[1]] = pay
    result = reader.read_frame(canvas)
    assert len(result.reads) == 2
    assert result.chosen.read.raw == ALIPAY.encode()
    assert "2 codes in one frame" in result.choice_note


def test_non_utf8_and_control_character_payloads(reader):
    gb = render_qr("付款码测试".encode("gb18030"))
    result = reader.read_frame(on_canvas(gb))
    assert result.found and not result.chosen.is_payment_code
    # ZBar transcodes byte-mode text from its own guess; the exact bytes come from
    # zxing-cpp (no ECI here: zxing-cpp's detection names the character set).
    assert result.chosen.read.raw == "付款码测试".encode("gb18030")
    assert result.chosen.read.payload.exact
    ctrl = reader.read_frame(on_canvas(render_qr("pay\x1b[31m\x07\r\nme")))
    shown = ctrl.chosen.display_text
    assert "\x1b" not in shown and "\x07" not in shown and "\\x1b" in shown


@pytest.mark.parametrize("garbage", [None, "frame", np.zeros((0, 0), np.uint8),
                                     np.zeros((4, 4), np.uint8), np.zeros((10, 10, 7), np.uint8),
                                     np.zeros((50, 50), np.int64)])
def test_garbage_frames_give_a_problem_not_an_exception(reader, garbage):
    result = reader.read_frame(garbage)
    assert not result.found and result.problem


@pytest.mark.parametrize("image", [np.random.default_rng(3).integers(0, 256, (480, 640, 3), np.uint8),
                                   np.zeros((480, 640, 4), np.uint8),
                                   np.full((480, 640), 0.5, np.float32),
                                   np.full((480, 640), 40000, np.uint16)])
def test_noise_and_odd_pixel_types_decode_to_nothing(reader, image):
    result = reader.read_frame(image)
    assert not result.found and not result.problem


def test_huge_frame_is_downscaled_and_still_read(reader):
    big = np.full((3000, 4000), 230, np.uint8)
    symbol = render_qr(ALIPAY, 30)
    big[1200: 1200 + symbol.shape[0], 1800: 1800 + symbol.shape[1]] = symbol
    result = reader.read_frame(big)
    assert result.chosen.read.raw == ALIPAY.encode()
    assert result.strategy.endswith("gray/0.32")
    xs = [p[0] for p in result.chosen.read.polygon]
    assert 1800 <= min(xs) <= 2000  # reported in full-size coordinates


def test_absurdly_large_frame_is_refused_cheaply(reader):
    huge = np.broadcast_to(np.uint8(200), (12000, 12000))
    result = reader.read_frame(huge)
    assert "too large" in result.problem


class SteppingClock:
    """Each reading is one second later: any budget is spent after the first look,
    so a camera reader does exactly one retry step per frame, whatever the machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def camera_burst_reads(case, frames: int) -> bool:
    """A camera reader (one retry step per frame) shown the same picture ``frames``
    times reads the code in at least one of them."""
    camera = FrameCodeReader(mode=ReadMode.CAMERA, clock=SteppingClock())
    return any(any(r.read.raw == case.payload for r in camera.read_frame(case.image).reads)
               for _ in range(frames))


def test_degraded_set_still_and_camera_modes_beat_each_decoder_alone():
    cases = build_degraded_set(22, seed=11)
    pyzbar, zxing = PyzbarDecoder(), ZxingDecoder()
    still = FrameCodeReader(budget_ms=10_000)  # generous: this checks strategy, not speed
    counts = {"pyzbar": 0, "zxing": 0, "still": 0, "camera": 0}
    for case in cases:
        gray = to_gray(case.image)
        counts["pyzbar"] += any(r.raw == case.payload for r in pyzbar.decode(gray))
        counts["zxing"] += any(r.raw == case.payload for r in zxing.decode(gray))
        decoded = still.read_frame(case.image)
        counts["still"] += any(r.read.raw == case.payload for r in decoded.reads)
        # One step per frame: a burst as long as the plan covers every step once.
        counts["camera"] += camera_burst_reads(case, len(REGION_STEPS))
    best_single = max(counts["pyzbar"], counts["zxing"])
    assert counts["still"] > best_single, counts
    assert counts["camera"] > best_single, counts
    assert counts["still"] >= len(cases) // 2, counts


def noise_patch_frame() -> np.ndarray:
    """An empty counter with a code-like patch (random 4 px modules) that no decoder
    can read: evidence without a code, e.g. a customer's phone too blurred to read."""
    canvas = np.full((480, 640), 200, np.uint8)
    modules = np.random.default_rng(8).integers(0, 2, (40, 40), dtype=np.uint8) * 255
    canvas[150:310, 250:410] = np.kron(modules, np.ones((4, 4), np.uint8))
    return canvas


def test_camera_frame_without_evidence_skips_the_retries():
    camera = FrameCodeReader(mode=ReadMode.CAMERA, clock=SteppingClock())
    result = camera.read_frame(np.full((480, 640), 120, np.uint8))
    assert not result.found and result.strategy == "no code in view"


def test_camera_spreads_retry_steps_over_frames_and_restarts_after_an_empty_frame():
    camera = FrameCodeReader(mode=ReadMode.CAMERA, clock=SteppingClock())
    steps = len(REGION_STEPS)
    seen = [camera.read_frame(noise_patch_frame()).strategy for _ in range(steps + 1)]
    assert seen[0].startswith("miss (camera: retry steps 1-1 of")
    assert seen[1].startswith("miss (camera: retry steps 2-2 of")
    assert seen[steps - 1].startswith(f"miss (camera: retry steps {steps}-{steps} of")
    assert seen[steps].startswith("miss (camera: retry steps 1-1 of")  # wrapped round
    camera.read_frame(noise_patch_frame())
    assert camera.read_frame(np.full((480, 640), 120, np.uint8)).strategy == "no code in view"
    assert "steps 1-1" in camera.read_frame(noise_patch_frame()).strategy


def test_camera_with_time_to_spare_runs_several_steps_per_frame():
    camera = FrameCodeReader(mode=ReadMode.CAMERA, camera_budget_ms=1000)
    strategy = camera.read_frame(noise_patch_frame()).strategy
    assert f"retry steps 1-{len(REGION_STEPS)} of" in strategy


def test_still_image_without_evidence_still_tries_whole_frame_variants():
    still = FrameCodeReader(budget_ms=10_000)
    result = still.read_frame(np.full((480, 640), 120, np.uint8))
    # clahe, half, smooth, sharpen, otsu, x2: each with both decoders.
    assert result.strategy == "miss (12 retries, 0 code regions)"


def test_camera_mode_reads_what_the_still_mode_reads_on_a_clean_code():
    image = on_canvas(render_qr(ALIPAY), colour=True)
    camera = FrameCodeReader(mode=ReadMode.CAMERA)
    assert camera.read_frame(image).chosen.read.raw == ALIPAY.encode()


def test_degraded_set_is_deterministic():
    a, b = build_degraded_set(3, seed=5), build_degraded_set(3, seed=5)
    assert all(np.array_equal(x.image, y.image) and x.payload == y.payload for x, y in zip(a, b))
