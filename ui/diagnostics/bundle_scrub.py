"""Keeping secrets out of support bundles: mask codes, drop key blocks, then verify.

Scrubbing is belt and braces: the logs already mask codes, but a bundle may also pick up
old logs, a wire dump or a settings value someone pasted a code into. ``find_leaks`` is
run on the finished zip; a bundle that still contains anything is not written.
"""

from __future__ import annotations

import re

from terminal.payment_code import mask_code

CODE_RUN = re.compile(r"(?<!\d)\d{16,}(?!\d)")
PEM_BLOCK = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|\Z)", re.S)
KEY_MARKERS = ("PRIVATE KEY", "BEGIN RSA", "BEGIN EC ", "BEGIN OPENSSH")
#: Where face data or keys live; never copied, whatever the settings say.
FORBIDDEN_SUFFIXES = (".pem", ".key", ".npy", ".npz", ".jpg", ".jpeg", ".png", ".bmp",
                      ".onnx", ".db", ".db-wal", ".db-shm", ".sqlite")


def scrub_text(text: str) -> tuple[str, int]:
    """(clean text, number of things removed or masked)."""
    count = 0

    def drop_pem(_match) -> str:
        nonlocal count
        count += 1
        return "[key material removed]"

    def mask(match) -> str:
        nonlocal count
        count += 1
        return mask_code(match.group(0))

    text = PEM_BLOCK.sub(drop_pem, text)
    lines = []
    for line in text.splitlines(keepends=True):
        if any(marker in line for marker in KEY_MARKERS):
            count += 1
            lines.append("[line with key material removed]\n")
        else:
            lines.append(line)
    return CODE_RUN.sub(mask, "".join(lines)), count


def find_leaks(name: str, data: bytes) -> list[str]:
    """What in one bundle member looks like a payment code or key material."""
    text = data.decode("utf-8", errors="replace")
    leaks = [f"{name}: key material ({marker})" for marker in KEY_MARKERS if marker in text]
    leaks += [f"{name}: unmasked digit run of {len(m.group(0))}" for m in CODE_RUN.finditer(text)]
    if name.lower().endswith(FORBIDDEN_SUFFIXES):
        leaks.append(f"{name}: file type that may hold keys or face data")
    return leaks
