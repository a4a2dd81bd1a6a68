"""What a cheap camera and shop lighting do to a picture of a phone screen.

Each function takes and returns a BGR uint8 image and draws its randomness from the
``rng`` it is given, so a damaged picture is reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def blur(image: np.ndarray, sigma_px: float) -> np.ndarray:
    """Out of focus (Gaussian)."""
    return image if sigma_px <= 0 else cv2.GaussianBlur(image, (0, 0), sigma_px)


def motion_blur(image: np.ndarray, length_px: int, angle_deg: float) -> np.ndarray:
    """A hand that moved during the exposure."""
    if length_px <= 1:
        return image
    kernel = np.zeros((length_px, length_px), np.float32)
    kernel[length_px // 2, :] = 1.0
    centre = ((length_px - 1) / 2, (length_px - 1) / 2)
    rotated = cv2.warpAffine(kernel, cv2.getRotationMatrix2D(centre, angle_deg, 1.0),
                             (length_px, length_px))
    return cv2.filter2D(image, -1, rotated / max(rotated.sum(), 1e-6))


def sensor_noise(image: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian sensor noise (dim light, high gain)."""
    if sigma <= 0:
        return image
    noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape).astype(np.float32)
    return noisy.clip(0, 255).astype(np.uint8)


def low_contrast(image: np.ndarray, contrast: float, brightness: float = 128.0) -> np.ndarray:
    """Squash the tonal range around ``brightness`` (0 < contrast <= 1)."""
    out = (image.astype(np.float32) - 128.0) * contrast + brightness
    return out.clip(0, 255).astype(np.uint8)


def glare(image: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A ceiling light reflected in the phone glass: a bright soft ellipse."""
    if strength <= 0:
        return image
    h, w = image.shape[:2]
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    ax, ay = rng.uniform(0.08, 0.2) * w, rng.uniform(0.05, 0.15) * h
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    falloff = np.exp(-(((xs - cx) / ax) ** 2 + ((ys - cy) / ay) ** 2))
    out: np.ndarray = image.astype(np.float32) + (255.0 * strength * falloff)[..., None]
    return out.clip(0, 255).astype(np.uint8)


def screen_moire(image: np.ndarray, amplitude: float, period_px: float, angle_deg: float) -> np.ndarray:
    """Interference between the screen's pixel grid and the sensor: slanted bands."""
    if amplitude <= 0:
        return image
    h, w = image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = np.deg2rad(angle_deg)
    phase = (xs * np.cos(theta) + ys * np.sin(theta)) * (2 * np.pi / period_px)
    bands = 1.0 + amplitude * np.sin(phase) * np.sin(phase * 0.13)
    damaged: np.ndarray = image.astype(np.float32) * bands[..., None]
    return damaged.clip(0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """Compressed the way a network camera or a phone photo is."""
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise ValueError("JPEG encoding failed")
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    if decoded is None:  # pragma: no cover - what OpenCV just encoded always decodes
        raise ValueError("JPEG decoding failed")
    return decoded


@dataclass(frozen=True)
class Damage:
    """One combination of camera damage; zero everywhere is a clean picture."""

    blur_sigma_px: float = 0.0
    motion_px: int = 0
    noise_sigma: float = 0.0
    contrast: float = 1.0
    glare: float = 0.0
    moire: float = 0.0
    jpeg_quality: int = 0

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Light first (glare, moiré, contrast), then optics, then sensor, then codec."""
        out = glare(image, self.glare, rng)
        out = screen_moire(out, self.moire, rng.uniform(3.0, 7.0), rng.uniform(-40, 40))
        if self.contrast < 1.0:
            out = low_contrast(out, self.contrast, rng.uniform(100, 160))
        out = blur(out, self.blur_sigma_px)
        out = motion_blur(out, self.motion_px, rng.uniform(0, 180))
        out = sensor_noise(out, self.noise_sigma, rng)
        if self.jpeg_quality:
            out = jpeg(out, self.jpeg_quality)
        return out
