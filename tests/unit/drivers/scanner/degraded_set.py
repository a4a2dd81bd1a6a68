"""The degraded set: seeded photos of phone screens showing codes, with realistic
camera damage. Small for the unit tests, bigger for the benchmark; the same seed always
gives the same pictures, so a regression in the reader shows up as a changed count."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drivers.camera.photo_damage import Damage
from drivers.camera.screen_photo import PhoneScene, render_phone_photo
from terminal.code_read import Symbology

#: (prefix range, length) per wallet, from docs/scanning.md.
_WALLETS = (((25, 30), 18), ((10, 15), 18), ((62, 62), 19))
_KINDS = ("perspective", "rotation", "blur", "motion", "noise", "low_contrast", "glare",
          "moire", "jpeg", "far", "combined")


@dataclass(frozen=True)
class DegradedCase:
    label: str
    image: np.ndarray
    payload: bytes
    symbology: Symbology


def payment_code_digits(rng: np.random.Generator) -> str:
    """A random code that the default wallet table classifies as a payment code."""
    (lo, hi), length = _WALLETS[int(rng.integers(0, len(_WALLETS)))]
    prefix = str(int(rng.integers(lo, hi + 1)))
    return prefix + "".join(str(d) for d in rng.integers(0, 10, length - 2))


def _damage_for(kind: str, severity: float, rng: np.random.Generator) -> tuple[dict, Damage]:
    """Scene overrides and camera damage for one kind at ``severity`` 0..1."""
    s = severity
    base = Damage(noise_sigma=2.0, jpeg_quality=90)
    scene: dict = {"rotation_deg": float(rng.uniform(-8, 8)), "tilt": 0.1}
    if kind == "perspective":
        scene["tilt"] = 0.3 + 0.7 * s
    elif kind == "rotation":
        scene["rotation_deg"] = float(rng.uniform(-180, 180))
    elif kind == "blur":
        base = Damage(blur_sigma_px=0.8 + 2.2 * s, noise_sigma=2.0, jpeg_quality=90)
    elif kind == "motion":
        base = Damage(motion_px=int(3 + 9 * s), noise_sigma=2.0, jpeg_quality=90)
    elif kind == "noise":
        base = Damage(noise_sigma=10 + 35 * s, jpeg_quality=90)
    elif kind == "low_contrast":
        base = Damage(contrast=0.35 - 0.27 * s, noise_sigma=2.0, jpeg_quality=90)
    elif kind == "glare":
        base = Damage(glare=0.6 + 1.0 * s, noise_sigma=2.0, jpeg_quality=90)
    elif kind == "moire":
        base = Damage(moire=0.15 + 0.35 * s, noise_sigma=2.0, jpeg_quality=90)
    elif kind == "jpeg":
        base = Damage(jpeg_quality=int(30 - 25 * s), noise_sigma=4.0)
    elif kind == "far":
        scene["scale"] = 0.55 - 0.25 * s
    else:  # a bit of everything, the usual checkout
        scene.update(tilt=0.2 + 0.4 * s, rotation_deg=float(rng.uniform(-30, 30)))
        base = Damage(blur_sigma_px=0.6 + s, noise_sigma=6 + 10 * s, contrast=0.8 - 0.3 * s,
                      glare=0.4 * s, moire=0.1 + 0.15 * s, jpeg_quality=int(70 - 30 * s))
    return scene, base


def build_degraded_set(count: int, seed: int = 20240604, width: int = 640,
                       height: int = 480) -> list[DegradedCase]:
    """``count`` pictures cycling through the damage kinds at rising severity."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        kind = _KINDS[index % len(_KINDS)]
        severity = float(rng.uniform(0.0, 1.0))
        roll = rng.uniform()
        if roll < 0.75:
            symbology, text = Symbology.QR, payment_code_digits(rng)
        elif roll < 0.85:
            symbology, text = Symbology.QR, f"https://shop.example.cn/item/{int(rng.integers(1e6))}"
        elif roll < 0.95:
            symbology, text = Symbology.CODE128, payment_code_digits(rng)
        else:
            symbology, text = Symbology.EAN13, "690123456789"
            text += str((10 - sum(int(c) * (3 if i % 2 else 1)
                                  for i, c in enumerate(text)) % 10) % 10)
        overrides, damage = _damage_for(kind, severity, rng)
        linear = symbology is not Symbology.QR
        # A barcode is read with the phone held close (its top half fills the view).
        scale = float(rng.uniform(1.1, 1.3)) if linear else float(rng.uniform(0.75, 0.95))
        centre_y = 0.8 if linear else float(rng.uniform(0.45, 0.55))
        if linear:  # turned much further, the held-close barcode leaves the view
            overrides["rotation_deg"] = float(np.clip(overrides["rotation_deg"], -20, 20))
        if "scale" in overrides:
            scale = overrides.pop("scale") * (1.5 if linear else 1.0)
        scene = PhoneScene(width=width, height=height, scale=scale,
                           centre=(float(rng.uniform(0.4, 0.6)), centre_y),
                           header_colour=int(rng.integers(0, 3)),
                           screen_brightness=float(rng.uniform(0.8, 1.0)), **overrides)
        photo = render_phone_photo(text, symbology, scene, rng, module_px=9 if linear else 6)
        image = damage.apply(photo, rng)
        cases.append(DegradedCase(f"{index:03d}-{kind}-{severity:.2f}", image,
                                  text.encode("ascii"), symbology))
    return cases
