"""The POS key and the TLS certificate: made on first use, files 0600.

``pos_api.json`` holds ``{"key", "url", "tls_sha256"}`` (what ``payterm pos-api key
--json`` prints and the technician screen shows); the certificate is self-signed (EC
P-256, the listen address and 127.0.0.1 as subject alternative names) and a POS pins it
by its SHA-256 fingerprint.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from terminal.errors import ConfigError
from terminal.settings.pos_api_section import listen_address


@dataclass(frozen=True)
class PosApiCredentials:
    key: str
    url: str
    tls_sha256: str           # "" without TLS
    cert_file: Path | None
    cert_key_file: Path | None

    def as_dict(self) -> dict:
        return {"key": self.key, "url": self.url, "tls_sha256": self.tls_sha256}


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` created 0600 (never readable by others, not even for
    a moment), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def fingerprint(cert_pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem)
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def make_certificate(host: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "payterm terminal")])
    addresses = {ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address(host)}
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(a) for a in sorted(addresses, key=str)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def ensure_credentials(settings, resolve) -> PosApiCredentials:
    """Load or create the key (and certificate). ``resolve`` maps a settings path to a
    real one (``AppContext.path``)."""
    cfg = settings.pos_api
    host, port = listen_address(cfg.listen)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"{'https' if cfg.tls else 'http'}://{shown_host}:{port}/terminal-api"
    key_file = resolve(cfg.key_file)
    cert_file = resolve(cfg.cert_file) if cfg.tls else None
    cert_key_file = resolve(cfg.cert_key_file) if cfg.tls else None
    stored = _read_key_file(key_file)
    tls_sha256 = ""
    if cfg.tls:
        if not cert_file.exists() or not cert_key_file.exists():
            cert_pem, key_pem = make_certificate(host)
            write_private(cert_key_file, key_pem)
            write_private(cert_file, cert_pem)
        tls_sha256 = fingerprint(cert_file.read_bytes())
    key = stored.get("key") or secrets.token_urlsafe(32)
    wanted = {"key": key, "url": url, "tls_sha256": tls_sha256}
    if stored != wanted:
        write_private(key_file, json.dumps(wanted, indent=2).encode() + b"\n")
    return PosApiCredentials(key, url, tls_sha256, cert_file, cert_key_file)


def _read_key_file(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError("pos_api.key_file", f"{path} is unreadable: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("key"), str) or \
            len(data["key"]) < 16:
        raise ConfigError("pos_api.key_file", f"{path} has no usable key (delete it to make "
                                              "a new one; every POS must then be given it)")
    return data


def rotate_key(settings, resolve) -> PosApiCredentials:
    key_file = resolve(settings.pos_api.key_file)
    if key_file.exists():
        key_file.unlink()
    return ensure_credentials(settings, resolve)
