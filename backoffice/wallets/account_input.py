"""Turning the merchant's files and ids into a stored wallet account, with every check a
wallet would otherwise fail later (each error names the option): keys that load and
match, certificates whose serial numbers are computed here, URLs that are HTTPS (plain
HTTP only on loopback, for the sandboxes)."""

from __future__ import annotations

import hashlib
import re
import ssl
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from backoffice.errors import SettingError
from backoffice.wallets.alipay import certificates

MAX_FILE_BYTES = 65_536
_ID = {"--app-id": re.compile(r"^\d{16}$"), "--mch-id": re.compile(r"^\d{8,10}$"),
       "--appid": re.compile(r"^wx[0-9a-f]{16}$"), "--sub-mch-id": re.compile(r"^\d{8,10}$"),
       "--sub-merchant-id": re.compile(r"^[0-9A-Za-z]{1,32}$"),
       "--seller-id": re.compile(r"^2088\d{12}$")}
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def read(option: str, path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SettingError(option, f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SettingError(option, f"{path} is larger than {MAX_FILE_BYTES} bytes")
    return data


def check_id(option: str, value: str) -> str:
    if not _ID[option].match(value or ""):
        raise SettingError(option, f"{value!r} is not a valid {option[2:]}")
    return value


def check_url(option: str, value: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme == "https" and parts.hostname:
        return value
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return value            # a sandbox on this machine
    raise SettingError(option, "must be an https:// URL (http:// only on loopback, for a "
                               "sandbox)")


def private_key(option: str, path: str) -> tuple[RSAPrivateKey, str]:
    data = read(option, path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SettingError(option, f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, RSAPrivateKey) or key.key_size < 2048:
        raise SettingError(option, "must be an RSA key of at least 2048 bits (RSA2)")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return key, pem


def public_key(option: str, path: str) -> tuple[RSAPublicKey, str]:
    data = read(option, path)
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise SettingError(option, f"{path} is not a PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise SettingError(option, "must be an RSA public key")
    return key, _public_pem(key)


def _public_pem(key: RSAPublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(pem: str) -> str:
    return hashlib.sha256(pem.encode()).hexdigest()[:16]


def alipay_account(args: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    public: dict[str, Any] = {"gateway_url": check_url("--gateway-url", args.gateway_url),
                              "app_id": check_id("--app-id", args.app_id)}
    key, private_pem = private_key("--private-key", args.private_key)
    cert_mode = bool(args.app_cert or args.alipay_cert or args.alipay_root_cert)
    if cert_mode == bool(args.alipay_public_key):
        raise SettingError("--alipay-public-key", "give either --alipay-public-key (public-key "
                           "mode) or --app-cert, --alipay-cert and --alipay-root-cert "
                           "(certificate mode)")
    if cert_mode:
        for option, value in (("--app-cert", args.app_cert), ("--alipay-cert", args.alipay_cert),
                              ("--alipay-root-cert", args.alipay_root_cert)):
            if not value:
                raise SettingError(option, "certificate mode needs all three certificates")
        try:
            app_pem = read("--app-cert", args.app_cert)
            if certificates.public_key_of(app_pem).public_numbers() != \
                    key.public_key().public_numbers():
                raise SettingError("--app-cert", "is not the certificate of --private-key")
            alipay_pem = read("--alipay-cert", args.alipay_cert)
            alipay_key = certificates.public_key_of(alipay_pem)
            public.update(app_cert_sn=certificates.first_cert_sn(app_pem),
                          alipay_cert_sn=certificates.first_cert_sn(alipay_pem),
                          alipay_root_cert_sn=certificates.root_cert_sn(
                              read("--alipay-root-cert", args.alipay_root_cert)))
        except certificates.CertificateError as exc:
            raise SettingError("--app-cert", str(exc)) from None
        alipay_public_pem = _public_pem(alipay_key)
    else:
        _, alipay_public_pem = public_key("--alipay-public-key", args.alipay_public_key)
    if args.sub_merchant_id:
        public["sub_merchant_id"] = check_id("--sub-merchant-id", args.sub_merchant_id)
    if args.seller_id:
        public["seller_id"] = check_id("--seller-id", args.seller_id)
    secrets = {"private_key_pem": private_pem, "alipay_public_key_pem": alipay_public_pem}
    if args.app_auth_token_file:
        token = read("--app-auth-token-file", args.app_auth_token_file).decode().strip()
        if not re.match(r"^[0-9A-Za-z_.\-]{8,128}$", token):
            raise SettingError("--app-auth-token-file", "does not hold an app_auth_token")
        secrets["app_auth_token"] = token
    public["app_key_sha256"] = fingerprint(_public_pem(key.public_key()))
    public["alipay_key_sha256"] = fingerprint(alipay_public_pem)
    public["mode"] = "certificate" if cert_mode else "public_key"
    return public, secrets


def wechat_account(args: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    public: dict[str, Any] = {"api_url": check_url("--api-url", args.api_url).rstrip("/"),
                              "mch_id": check_id("--mch-id", args.mch_id),
                              "appid": check_id("--appid", args.appid)}
    api_key = read("--api-key-file", args.api_key_file).decode("utf-8", "replace").strip()
    if not re.match(r"^[0-9A-Za-z]{32}$", api_key):
        raise SettingError("--api-key-file", "must hold the 32-character API key (v2)")
    cert_pem = read("--cert", args.cert).decode("utf-8", "replace")
    key_pem = read("--key", args.key).decode("utf-8", "replace")
    _check_pair(cert_pem, key_pem)
    if args.sub_mch_id:
        public["sub_mch_id"] = check_id("--sub-mch-id", args.sub_mch_id)
    if args.sub_appid:
        public["sub_appid"] = check_id("--sub-appid", args.sub_appid)
    if args.ca:
        public["ca_pem"] = read("--ca", args.ca).decode("utf-8", "replace")
    try:
        public["cert_sn"] = certificates.first_cert_sn(cert_pem.encode())
    except certificates.CertificateError as exc:
        raise SettingError("--cert", str(exc)) from None
    return public, {"api_key": api_key, "cert_pem": cert_pem, "key_pem": key_pem}


def _check_pair(cert_pem: str, key_pem: str) -> None:
    """The API client certificate and its key load together (as TLS will use them)."""
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder) / "c.pem", Path(folder) / "k.pem"
        cert_file.write_text(cert_pem)
        key_file.write_text(key_pem)
        key_file.chmod(0o600)
        try:
            ssl.create_default_context().load_cert_chain(cert_file, key_file)
        except (ssl.SSLError, OSError) as exc:
            raise SettingError("--cert", f"the certificate and --key do not load together "
                                         f"({exc.__class__.__name__})") from None
