"""RSA key pairs in PEM files: generate, load. Private key files are written 0600.

Keys never reach a log or an exception message; errors name the file, not its content.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from terminal.errors import ConfigError

KEY_BITS = 2048
TERMINAL_PRIVATE = "terminal_private.pem"
TERMINAL_PUBLIC = "terminal_public.pem"
HOST_PRIVATE = "host_private.pem"
HOST_PUBLIC = "host_public.pem"


class KeyExists(ConfigError):
    """Refusing to overwrite an existing key without ``force``."""


def generate_key_pair(private_path: Path, public_path: Path, *, force: bool = False) -> None:
    """Write a new RSA-2048 pair: private key PKCS#8 PEM (0600), public key SPKI PEM.

    Raises KeyExists when either file exists and ``force`` is false; ConfigError when
    the folder cannot be written.
    """
    private_path, public_path = Path(private_path), Path(public_path)
    if not force:
        for path in (private_path, public_path):
            if path.exists():
                raise KeyExists(str(path), "already exists; use --force to replace it "
                                           "(the other side must then get the new public key)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        private_path.parent.mkdir(parents=True, exist_ok=True)
        public_path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(private_path, private_pem)
        _write_atomically(public_path, public_pem, 0o644)
    except OSError as exc:
        raise ConfigError(str(private_path), f"cannot write key file: {exc.strerror}") from None


def ensure_key_pair(private_path: Path, public_path: Path) -> bool:
    """Generate a pair unless both files exist. Returns True when it made a new one."""
    if Path(private_path).exists() and Path(public_path).exists():
        return False
    generate_key_pair(private_path, public_path, force=True)
    return True


def load_private_key(path: Path, *, key_name: str = "host.private_key_file") -> RSAPrivateKey:
    """Load an RSA private key (PKCS#8 or PKCS#1 PEM). Raises ConfigError naming the key,
    also when the file is readable by group or others (it names the chmod to run)."""
    data = _read(path, key_name, hint="run `payterm keys generate`")
    mode = Path(path).stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(key_name, f"{path} is readable by group/others (mode {mode:04o}); "
                                    f"a private key must be private: run `chmod 600 {path}` "
                                    "(and replace the key if others may have copied it)")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ConfigError(key_name, f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(key_name, f"{path} is not an RSA key")
    return key


def load_public_key(path: Path, *, key_name: str = "host.host_public_key_file") -> RSAPublicKey:
    """Load an RSA public key (SPKI PEM). Raises ConfigError naming the key."""
    data = _read(path, key_name, hint="copy the host's public key there")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise ConfigError(key_name, f"{path} is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ConfigError(key_name, f"{path} is not an RSA key")
    return key


def _read(path: Path, key_name: str, *, hint: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(key_name, f"key file {path} does not exist ({hint})") from None
    except OSError as exc:
        raise ConfigError(key_name, f"cannot read key file {path}: {exc.strerror}") from None


def _write_private(path: Path, data: bytes) -> None:
    _write_atomically(path, data, 0o600)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    # Created with its final mode so a private key is never readable by others, even
    # for a moment; renamed into place so a crash leaves the old file or the new one.
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
