"""Synthetic "photo of a phone showing a payment code" for the simulated camera, the
tests and the benchmark.

A wallet's pay screen (coloured header, a Code128 above a QR code, grey text lines) is
drawn into a phone body with a bezel, placed in perspective on a shop-counter
background, and photographed: see ``photo_damage`` for blur, noise, glare, moiré and
JPEG. Everything is seeded, so a scene is reproducible from its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import segno
import zxingcpp

from terminal.code_read import Symbology

_ZXING_FORMAT = {Symbology.CODE128: zxingcpp.BarcodeFormat.Code128,
                 Symbology.EAN13: zxingcpp.BarcodeFormat.EAN13}

#: Header colours of wallet pay screens (BGR): blue, green, red.
HEADER_COLOURS = ((255, 119, 22), (96, 193, 7), (60, 40, 210))


def render_qr(payload: bytes | str, module_px: int = 6, border_modules: int = 4) -> np.ndarray:
    """A QR code (never Micro QR: ``segno.make_qr``) as a grayscale image, black on white."""
    qr = segno.make_qr(payload, error="m")
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    matrix = np.pad(matrix, border_modules, constant_values=0)
    image = np.where(matrix > 0, 0, 255).astype(np.uint8)
    return np.kron(image, np.ones((module_px, module_px), dtype=np.uint8))


def render_linear(payload: str, symbology: Symbology, module_px: int = 2,
                  height_px: int = 80) -> np.ndarray:
    """A Code128 or EAN-13 barcode (with quiet zones) as a grayscale image."""
    barcode = zxingcpp.create_barcode(payload, _ZXING_FORMAT[symbology])
    image = np.array(barcode.to_image(scale=1, add_quiet_zones=True), dtype=np.uint8)
    row = image[image.shape[0] // 2]
    bars = np.repeat(row, module_px)
    return np.tile(bars, (height_px, 1))


def render_symbol(payload: bytes | str, symbology: Symbology, module_px: int = 6) -> np.ndarray:
    """Any supported symbology as a grayscale image."""
    if symbology is Symbology.QR:
        return render_qr(payload, module_px)
    text = payload.decode("ascii") if isinstance(payload, bytes) else payload
    return render_linear(text, symbology, max(1, module_px // 3))


@dataclass(frozen=True)
class PhoneScene:
    """Where and how the phone lies in the picture. ``scale`` is the phone height as a
    fraction of the picture height; ``tilt`` 0..1 is the perspective strength."""

    width: int = 640
    height: int = 480
    scale: float = 0.85
    centre: tuple[float, float] = (0.5, 0.5)
    rotation_deg: float = 0.0
    tilt: float = 0.0
    screen_brightness: float = 1.0
    header_colour: int = 0
    show_barcode: bool = True


def _shop_background(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A counter top: a lit gradient, wood-like streaks and a few dark objects."""
    base = rng.uniform(90, 170, size=3)
    ys = np.linspace(0.75, 1.15, height)[:, None, None]
    image = np.broadcast_to(base, (height, width, 3)) * ys
    streaks = rng.normal(0, 1, size=(1, width, 1)).repeat(height, 0)
    image = image + cv2.GaussianBlur(streaks, (0, 0), 3)[..., None] * 12
    for _ in range(int(rng.integers(1, 4))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        radius = int(rng.integers(20, 90))
        cv2.circle(image, (x, y), radius, tuple(float(v) for v in rng.uniform(20, 90, 3)), -1)
    return np.clip(image, 0, 255).astype(np.uint8)


def _pay_screen(symbol: np.ndarray, barcode: np.ndarray | None, scene: PhoneScene,
                rng: np.random.Generator) -> np.ndarray:
    """The phone's screen in its own pixels (portrait, 9:19.5), code centred."""
    widest = max(symbol.shape[1], barcode.shape[1] if barcode is not None else 0)
    width = max(360, widest + 60)
    height = int(width * 19.5 / 9)
    screen = np.full((height, width, 3), 250, np.uint8)
    header = HEADER_COLOURS[scene.header_colour % len(HEADER_COLOURS)]
    screen[: height // 6] = header
    y = height // 6 + 30
    if barcode is not None:
        x = (width - barcode.shape[1]) // 2
        screen[y: y + barcode.shape[0], x: x + barcode.shape[1]] = barcode[..., None]
        y += barcode.shape[0] + 30
    x = (width - symbol.shape[1]) // 2
    screen[y: y + symbol.shape[0], x: x + symbol.shape[1]] = symbol[..., None]
    y += symbol.shape[0] + 30
    while y + 14 < height - 20:  # grey "text" lines under the code
        line = int(rng.integers(width // 4, width - 60))
        screen[y: y + 10, 30: 30 + line] = 200
        y += 34
    return (screen.astype(np.float32) * scene.screen_brightness).clip(0, 255).astype(np.uint8)


def _phone_body(screen: np.ndarray) -> np.ndarray:
    """A dark bezel with rounded corners around the screen; transparent (0) outside."""
    bezel = max(12, screen.shape[1] // 20)
    h, w = screen.shape[0] + 2 * bezel, screen.shape[1] + 2 * bezel
    body = np.zeros((h, w, 4), np.uint8)
    radius = bezel * 3
    mask = np.zeros((h, w), np.uint8)
    cv2.rectangle(mask, (radius, 0), (w - radius, h), 255, -1)
    cv2.rectangle(mask, (0, radius), (w, h - radius), 255, -1)
    for cx, cy in ((radius, radius), (w - radius, radius), (radius, h - radius),
                   (w - radius, h - radius)):
        cv2.circle(mask, (cx, cy), radius, 255, -1)
    body[..., :3] = 25
    body[..., 3] = mask
    body[bezel: bezel + screen.shape[0], bezel: bezel + screen.shape[1], :3] = screen
    return body


def _placement(body_shape: tuple[int, int], scene: PhoneScene,
               rng: np.random.Generator) -> np.ndarray:
    """The 3x3 homography that puts the phone into the picture."""
    bh, bw = body_shape
    target_h = scene.scale * scene.height
    factor = target_h / bh
    cx, cy = scene.centre[0] * scene.width, scene.centre[1] * scene.height
    corners = np.array([[-bw / 2, -bh / 2], [bw / 2, -bh / 2], [bw / 2, bh / 2],
                        [-bw / 2, bh / 2]], np.float64) * factor
    angle = np.deg2rad(scene.rotation_deg)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = corners @ rot.T
    # Tilt: pull two adjacent corners towards each other (the far edge looks shorter).
    jitter = rng.uniform(-1, 1, size=(4, 2)) * scene.tilt * 0.18 * target_h
    side = int(rng.integers(0, 4))
    shrink = np.zeros((4, 2))
    a, b = side, (side + 1) % 4
    shrink[a] = (corners[b] - corners[a]) * scene.tilt * 0.2
    shrink[b] = (corners[a] - corners[b]) * scene.tilt * 0.2
    corners = corners + shrink + jitter + [cx, cy]
    src = np.array([[0, 0], [bw, 0], [bw, bh], [0, bh]], np.float32)
    return cv2.getPerspectiveTransform(src, corners.astype(np.float32))


def render_phone_photo(payload: bytes | str, symbology: Symbology, scene: PhoneScene,
                       rng: np.random.Generator, module_px: int = 6) -> np.ndarray:
    """A BGR picture of a phone showing ``payload`` on a counter, before camera damage.

    For a QR payment code the screen also shows the same digits as Code128 above it, as
    wallets do, unless ``scene.show_barcode`` is off or the payload is not digits.
    """
    symbol = render_symbol(payload, symbology, module_px)
    barcode = None
    text = payload.decode("latin-1") if isinstance(payload, bytes) else payload
    if symbology is Symbology.QR and scene.show_barcode and text.isdigit():
        barcode = render_linear(text, Symbology.CODE128, 2, 90)
    body = _phone_body(_pay_screen(symbol, barcode, scene, rng))
    matrix = _placement(body.shape[:2], scene, rng)
    size = (scene.width, scene.height)
    warped = cv2.warpPerspective(body, matrix, size, flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    background = _shop_background(scene.width, scene.height, rng)
    alpha = warped[..., 3:4].astype(np.float32) / 255.0
    photo: np.ndarray = warped[..., :3].astype(np.float32) * alpha + background * (1 - alpha)
    return photo.clip(0, 255).astype(np.uint8)


def render_empty_scene(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """The counter with no phone in view (what the camera sees most of the time)."""
    return _shop_background(width, height, rng)
