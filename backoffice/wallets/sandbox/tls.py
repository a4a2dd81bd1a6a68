"""A small certificate authority for the WeChat Pay sandbox's TLS (tests, demo): the server's
certificate for 127.0.0.1 and the merchant's API client certificate (CN = mch_id), as
WeChat Pay issues one per merchant."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Pems:
    ca_cert: str
    server_cert: str
    server_key: str
    client_cert: str
    client_key: str


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "payterm test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _cert(subject: x509.Name, key, issuer: x509.Name, issuer_key, serial: int, *,
          ca: bool = False, ip: str | None = None) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(serial)
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
            critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def make_pems(mch_id: str) -> Pems:
    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3)]
    ca_name = _name("payterm test CA")
    ca = _cert(ca_name, keys[0], ca_name, keys[0], 1, ca=True)
    server = _cert(_name("127.0.0.1"), keys[1], ca_name, keys[0], 2, ip="127.0.0.1")
    client = _cert(_name(mch_id), keys[2], ca_name, keys[0], 3)
    return Pems(_pem(ca), _pem(server), _key_pem(keys[1]), _pem(client), _key_pem(keys[2]))


def server_context(pems: Pems, folder: Path) -> ssl.SSLContext:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "server.pem").write_text(pems.server_cert + pems.server_key)
    (folder / "ca.pem").write_text(pems.ca_cert)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "server.pem")
    context.verify_mode = ssl.CERT_OPTIONAL
    context.load_verify_locations(folder / "ca.pem")
    return context
