"""Facts about this terminal for reports and bundles: versions, OS, host name."""

from __future__ import annotations

import platform
import socket
import sys
from importlib import metadata

#: The distributions a support engineer asks about first.
KEY_PACKAGES = ("payterm", "PySide6-Essentials", "opencv-python-headless", "onnxruntime",
                "insightface", "numpy", "pyserial", "python-escpos", "sqlite-utils", "httpx",
                "cryptography", "pyzbar", "zxing-cpp", "segno", "pillow")


def terminal_facts(settings) -> dict:
    return {"terminal_id": settings.terminal.terminal_id, "version": package_version("payterm"),
            "hostname": socket.gethostname(), "python": sys.version.split()[0],
            "os": f"{platform.system()} {platform.release()}", "machine": platform.machine()}


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def installed_versions() -> dict:
    """Every installed distribution → version, key packages first."""
    everything = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name")
        if name:
            everything[name] = dist.version
    return {"python": sys.version, "platform": platform.platform(),
            "key_packages": {n: package_version(n) for n in KEY_PACKAGES},
            "all_packages": dict(sorted(everything.items(), key=lambda kv: kv[0].lower()))}
