"""The cheap code-likelihood detector: finds code patches, stays quiet on the counter."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.camera.screen_photo import (PhoneScene, render_empty_scene, render_linear,
                                         render_phone_photo, render_qr)
from drivers.scanner.code_evidence import find_code_regions
from drivers.scanner.frame_preparation import Prepared, region_picture
from terminal.code_read import Symbology

ALIPAY = "281234567890123456"


def gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


@pytest.mark.parametrize("seed", range(8))
def test_empty_counter_has_no_evidence(seed):
    scene = render_empty_scene(640, 480, np.random.default_rng(seed))
    assert find_code_regions(gray(scene)) == []


def test_flat_and_smooth_pictures_have_no_evidence():
    assert find_code_regions(np.full((480, 640), 128, np.uint8)) == []
    ramp = np.tile(np.linspace(0, 255, 640, dtype=np.float32), (480, 1)).astype(np.uint8)
    assert find_code_regions(ramp) == []


def test_qr_on_a_plain_canvas_is_found_and_its_crop_holds_the_whole_symbol():
    canvas = np.full((480, 640), 235, np.uint8)
    symbol = render_qr(ALIPAY, 5)  # big modules: solid finder centres, sparse blocks
    canvas[100: 100 + symbol.shape[0], 300: 300 + symbol.shape[1]] = symbol
    regions = find_code_regions(canvas)
    assert len(regions) == 1
    crop = region_picture(canvas, Prepared("gray", canvas), regions[0].box)
    ox, oy = crop.offset
    height, width = crop.gray.shape
    dark = 20  # the symbol's 4-module white border is not needed, its dark part is
    assert ox <= 300 + dark and oy <= 100 + dark
    assert ox + width >= 300 + symbol.shape[1] - dark
    assert oy + height >= 100 + symbol.shape[0] - dark


def test_barcode_bars_alone_count_as_evidence():
    canvas = np.full((480, 640), 235, np.uint8)
    bars = render_linear("6901234567892", Symbology.EAN13, 3, 90)
    canvas[200: 200 + bars.shape[0], 100: 100 + bars.shape[1]] = bars
    (region,) = find_code_regions(canvas)
    assert region.box[0] <= 130 and region.box[2] >= 100 + bars.shape[1] - 40


def test_phone_photo_gives_a_region_over_the_phone():
    rng = np.random.default_rng(4)
    photo = render_phone_photo(ALIPAY, Symbology.QR, PhoneScene(scale=0.9), rng)
    regions = find_code_regions(gray(photo))
    assert regions, "a phone showing a code must give evidence"
    x0, y0, x1, y1 = regions[0].box
    assert x0 < 320 < x1 and y0 < 240 < y1  # the phone is centred


def test_regions_are_limited_biggest_first_and_tiny_pictures_give_none():
    canvas = np.full((480, 640), 235, np.uint8)
    for i, (y, x) in enumerate(((10, 10), (10, 400), (300, 10), (300, 400))):
        symbol = render_qr(ALIPAY, 2 + i)
        canvas[y: y + symbol.shape[0], x: x + symbol.shape[1]] = symbol
    regions = find_code_regions(canvas, max_regions=2)
    assert len(regions) == 2 and regions[0].score >= regions[1].score
    assert find_code_regions(np.zeros((10, 10), np.uint8)) == []
