"""Encryption of sensitive fields at rest (member ids tied to face matches, tokens,
face templates) with AES-256-GCM.

The key lives in a file outside the database (mode 0600), so a copied database alone
reveals nothing. Each value gets a fresh 96-bit nonce; the column/purpose name is bound
as associated data so a ciphertext cannot be moved to another field unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from terminal.errors import ConfigError, QueueError

_VERSION = b"\x01"
KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, or create it (0600, in a 0700 folder) on first use."""
    path = Path(path)
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(str(path), f"key file permissions are {mode:04o} (readable by "
                                         f"group/others); must be 0600: run `chmod 600 {path}`")
        key = path.read_bytes()
        if len(key) != KEY_BYTES:
            raise ConfigError(str(path), "key file is damaged (wrong length)")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


class FieldCipher:
    """Encrypts and decrypts small values; thread-safe (AESGCM is stateless)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("FieldCipher needs a 32-byte key")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, purpose: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, purpose.encode())

    def decrypt(self, blob: bytes, purpose: str) -> bytes:
        if not blob or blob[:1] != _VERSION or len(blob) < 1 + 12 + 16:
            raise QueueError(f"encrypted {purpose} value is malformed")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], purpose.encode())
        except InvalidTag:
            raise QueueError(f"encrypted {purpose} value does not match the key "
                             "(wrong key file or tampered data)") from None

    def encrypt_text(self, text: str, purpose: str) -> bytes:
        return self.encrypt(text.encode("utf-8"), purpose)

    def decrypt_text(self, blob: bytes, purpose: str) -> str:
        return self.decrypt(blob, purpose).decode("utf-8")
