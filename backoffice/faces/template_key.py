"""The operator's key for face templates at rest (AES-256-GCM).

The key is a file of 32 bytes (raw, or base64 of them) that the operator provides or
has made by ``payterm-backoffice faces key --create``; mode 0600. It lives outside the
database, so a copied database or backup reveals no template. Every instance of the
back office needs the same file. ``key_id`` (the first 16 hex digits of the SHA-256 of
the key) is stored beside each template so a wrong key is named, never guessed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backoffice.errors import SettingError

KEY_BYTES = 32
_FORMAT = b"\x01"
KEY_FILE_NAME = "face_templates.key"


class TemplateKeyError(RuntimeError):
    """A stored template does not open with this key (wrong key file or tampered)."""


class TemplateCipher:
    """Encrypts one template bound to its member and store; thread-safe."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the face template key must be 32 bytes")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(key).hexdigest()[:16]

    @staticmethod
    def _purpose(member_id: str, store_id: str) -> bytes:
        return f"face_template:{store_id}:{member_id}".encode()

    def encrypt(self, template: bytes, member_id: str, store_id: str) -> bytes:
        nonce = os.urandom(12)
        return _FORMAT + nonce + self._aead.encrypt(nonce, template,
                                                    self._purpose(member_id, store_id))

    def decrypt(self, blob: bytes, member_id: str, store_id: str, key_id: str) -> bytes:
        if key_id != self.key_id:
            raise TemplateKeyError(f"template of member {member_id} was encrypted with key "
                                   f"{key_id}, not this key {self.key_id}")
        if blob[:1] != _FORMAT or len(blob) < 29:
            raise TemplateKeyError(f"template of member {member_id} is malformed")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], self._purpose(member_id, store_id))
        except InvalidTag:
            raise TemplateKeyError(f"template of member {member_id} does not open with key "
                                   f"{self.key_id} (tampered?)") from None


def key_path(setting: str, default: Path) -> Path:
    """``face_key_file`` when set, else the data directory's ``keys/face_templates.key``."""
    return Path(setting).expanduser() if setting else default


def parse_key(data: bytes, where: str) -> bytes:
    """32 raw bytes, or their base64 (one line)."""
    if len(data) == KEY_BYTES:
        return data
    try:
        key = base64.b64decode(data.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SettingError("face_key_file", f"{where} is not a 32-byte key (raw or base64)")
    return key


def load_template_cipher(path: Path) -> TemplateCipher | None:
    """The cipher from the key file, or None when there is no key file (face enrolment
    and sync then answer a clear refusal). A readable-by-others file is refused."""
    if not path.exists():
        return None
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SettingError("face_key_file", f"{path} has mode {oct(mode)}; must be 0600")
    return TemplateCipher(parse_key(path.read_bytes(), str(path)))


def write_key_file(path: Path, key: bytes | None = None) -> TemplateCipher:
    """Store ``key`` (or a new random one) as base64, 0600; never overwrites a key."""
    key = key if key is not None else AESGCM.generate_key(bit_length=256)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SettingError("face_key_file", f"{path} already exists; a key is never "
                                            "overwritten (templates would be lost)") from None
    try:
        os.write(fd, base64.b64encode(key) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return TemplateCipher(key)
