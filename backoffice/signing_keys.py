"""The back office's own RSA key pair, which signs every answer.

Made on first use (``keys show``, ``serve``): the private key PKCS#8 PEM, mode 0600, the
public key SPKI PEM beside it. Creation is race-free across processes: the new file is
hard-linked into place, so when several workers or instances start at once exactly one
pair wins and everybody loads it. Keys never reach a log or an error message.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from backoffice.errors import SettingError

KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    private_key: RSAPrivateKey
    public_key_pem: str

    @property
    def fingerprint(self) -> str:
        return public_key_fingerprint(self.private_key.public_key())


def public_key_fingerprint(key: RSAPublicKey) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, hex: what operators compare."""
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def public_pem(key: RSAPublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def parse_public_key(pem: bytes, *, source: str) -> RSAPublicKey:
    """An RSA public key (SPKI PEM) of at least 2048 bits; SettingError otherwise."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise SettingError(source, "is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SettingError(source, "is not an RSA public key (RSA2 needs RSA)")
    if key.key_size < 2048:
        raise SettingError(source, f"RSA key of {key.key_size} bits; at least 2048 needed")
    return key


def ensure_signing_key(private_path: Path, public_path: Path) -> SigningKey:
    """Load the pair, making it first when the private key does not exist yet."""
    private_path, public_path = Path(private_path), Path(public_path)
    if not private_path.exists():
        _create(private_path)
    key = _load_private(private_path)
    pem = public_pem(key.public_key())
    if not public_path.exists() or public_path.read_text(encoding="ascii") != pem:
        _write_file(public_path, pem.encode("ascii"), 0o644, replace=True)
    return SigningKey(private_key=key, public_key_pem=pem)


def _create(private_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    _write_file(private_path, data, 0o600, replace=False)


def _load_private(path: Path) -> RSAPrivateKey:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SettingError(str(path), f"private key is readable by others (mode {mode:o}); "
                                      "chmod 600 it")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise SettingError(str(path), "is not an unencrypted PEM private key") from None
    except OSError as exc:
        raise SettingError(str(path), f"cannot read: {exc.strerror}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SettingError(str(path), "is not an RSA private key")
    return key


def _write_file(path: Path, data: bytes, mode: int, *, replace: bool) -> None:
    """Write to a temporary file with its final mode, fsync, then put it in place:
    ``os.link`` (fails if another process won the race) or ``os.replace``."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        try:
            os.fchmod(fd, mode)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp_name, path)
        else:
            try:
                os.link(tmp_name, path)
            except FileExistsError:
                pass        # another process made the pair first: use theirs
            os.unlink(tmp_name)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
