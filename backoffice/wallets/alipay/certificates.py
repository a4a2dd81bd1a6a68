"""Alipay's certificate mode: the serial numbers ``app_cert_sn``, ``alipay_root_cert_sn``
and ``alipay_cert_sn`` computed from the certificate files, as Alipay's SDKs do:
MD5 of the issuer's distinguished name (RFC 2253 order) followed by the certificate's
serial number in decimal; the root's is every RSA certificate of the root chain's SN
joined with ``_``."""

from __future__ import annotations

import hashlib
import re

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
_RSA_SIGNATURE_PREFIX = "1.2.840.113549.1.1."


class CertificateError(ValueError):
    pass


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    blocks = _PEM_BLOCK.findall(pem)
    if not blocks:
        raise CertificateError("no PEM certificate in the file")
    try:
        return [x509.load_pem_x509_certificate(block) for block in blocks]
    except ValueError as exc:
        raise CertificateError(f"not a valid certificate: {exc}") from None


def cert_sn(cert: x509.Certificate) -> str:
    issuer = cert.issuer.rfc4514_string()
    return hashlib.md5((issuer + str(cert.serial_number)).encode("utf-8")).hexdigest()


def first_cert_sn(pem: bytes) -> str:
    return cert_sn(load_certificates(pem)[0])


def root_cert_sn(pem: bytes) -> str:
    numbers = [cert_sn(cert) for cert in load_certificates(pem)
               if cert.signature_algorithm_oid.dotted_string.startswith(_RSA_SIGNATURE_PREFIX)]
    if not numbers:
        raise CertificateError("the root certificate chain has no RSA certificate")
    return "_".join(numbers)


def public_key_of(pem: bytes) -> RSAPublicKey:
    key = load_certificates(pem)[0].public_key()
    if not isinstance(key, RSAPublicKey):
        raise CertificateError("the certificate's key is not RSA")
    return key
