"""``wallet sandbox alipay|wechat --listen HOST:PORT``: run a wallet sandbox (tests and the
demo). Its keys live in a state folder (default ``<data dir>/sandbox/<wallet>``, 0700):
made on first start, so the back office's ``wallet set`` stays valid across restarts.
Orders live in memory: a restarted sandbox has forgotten them."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backoffice.cli.context import Context
from backoffice.errors import SettingError
from backoffice.server import parse_listen
from backoffice.wallets.sandbox.http_server import SandboxServer
from backoffice.wallets.sandbox.wallet_ledger import SandboxConfig, WalletLedger

DEMO_APP_ID, DEMO_MCH_ID, DEMO_APPID = "2021000000000077", "1900000109", "wx8888888888888888"


def register_sandbox(actions: argparse._SubParsersAction,
                     parent: argparse.ArgumentParser) -> None:
    sandbox = actions.add_parser("sandbox", parents=[parent],
                                 help="run a wallet sandbox (tests, demo)")
    sandbox.add_argument("wallet", choices=["alipay", "wechat"])
    sandbox.add_argument("--listen", default="127.0.0.1:8801", metavar="HOST:PORT")
    sandbox.add_argument("--state-dir", metavar="DIR",
                         help="its keys (default <data dir>/sandbox/<wallet>)")
    sandbox.add_argument("--app-id", default=DEMO_APP_ID, help="Alipay: the app it serves")
    sandbox.add_argument("--app-public-key", metavar="FILE",
                         help="Alipay: the app's public key (default: a demo key pair "
                              "made in the state folder)")
    sandbox.add_argument("--mch-id", default=DEMO_MCH_ID, help="WeChat: the merchant")
    sandbox.add_argument("--appid", default=DEMO_APPID, help="WeChat: the merchant's appid")
    sandbox.add_argument("--tls", action="store_true",
                         help="WeChat: HTTPS with client certificates (reverse, refund)")
    sandbox.add_argument("--password-delay-s", type=float, default=8.0)
    sandbox.add_argument("--slow-delay-s", type=float, default=12.0)
    sandbox.set_defaults(handler=sandbox_command)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _key_pair(folder: Path, stem: str) -> rsa.RSAPrivateKey:
    private_path = folder / f"{stem}_private.pem"
    if private_path.exists():
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_private(private_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (folder / f"{stem}_public.pem").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key


def sandbox_command(args: argparse.Namespace, ctx: Context) -> int:
    listen = parse_listen(args.listen)
    for name in ("password_delay_s", "slow_delay_s"):
        value = getattr(args, name)
        if not (0 <= value <= 600):       # NaN fails this too
            raise SettingError("--" + name.replace("_", "-"), "must be 0-600 seconds")
    folder = Path(args.state_dir or ctx.locations.data_dir / "sandbox" / args.wallet)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ledger = WalletLedger(SandboxConfig(password_delay_s=args.password_delay_s,
                                        slow_delay_s=args.slow_delay_s))
    if args.wallet == "alipay":
        server, hint = _alipay(args, folder, ledger, listen)
    else:
        server, hint = _wechat(args, folder, ledger, listen)
    (folder / "wallet-set.txt").write_text(hint + "\n")
    print(f"{args.wallet} sandbox on {server.url()} ; configure the back office with:\n{hint}",
          flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


def _alipay(args, folder: Path, ledger: WalletLedger, listen):
    from backoffice.wallets.sandbox.alipay_gateway import AlipayApp, AlipaySandbox
    alipay_key = _key_pair(folder, "alipay")
    if args.app_public_key:
        app_public = serialization.load_pem_public_key(Path(args.app_public_key).read_bytes())
        key_option = "--private-key <the app's private key>"
    else:
        app_public = _key_pair(folder, "app").public_key()
        key_option = f"--private-key {folder / 'app_private.pem'}"
    sandbox = AlipaySandbox(ledger=ledger, alipay_private_key=alipay_key,
                            apps={args.app_id: AlipayApp(app_public)})   # type: ignore[arg-type]
    server = SandboxServer(sandbox, listen.host, listen.port)
    hint = (f"payterm-backoffice wallet set alipay --store S1 --gateway-url "
            f"{server.url('/gateway.do')} --app-id {args.app_id} {key_option} "
            f"--alipay-public-key {folder / 'alipay_public.pem'}")
    return server, hint


def _wechat(args, folder: Path, ledger: WalletLedger, listen):
    from backoffice.wallets.sandbox.tls import make_pems
    from backoffice.wallets.sandbox.wechat_gateway import WechatMerchant, WechatSandbox
    key_file = folder / "api_key.txt"
    if not key_file.exists():
        _write_private(key_file, secrets.token_hex(16).encode())
    cert, key, ca = folder / "apiclient_cert.pem", folder / "apiclient_key.pem", folder / "ca.pem"
    if not cert.exists():
        pems = make_pems(args.mch_id)
        _write_private(folder / "pems.server", (pems.server_cert + pems.server_key).encode())
        cert.write_text(pems.client_cert)
        _write_private(key, pems.client_key.encode())
        ca.write_text(pems.ca_cert)
    sandbox = WechatSandbox(ledger=ledger, require_client_cert=args.tls, merchants={
        args.mch_id: WechatMerchant(args.appid, key_file.read_text().strip())})
    tls = None
    if args.tls:
        import ssl
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(folder / "pems.server")
        tls.verify_mode = ssl.CERT_OPTIONAL
        tls.load_verify_locations(ca)
    server = SandboxServer(sandbox, listen.host, listen.port, tls=tls)
    hint = (f"payterm-backoffice wallet set wechat --store S1 --api-url {server.url()} "
            f"--mch-id {args.mch_id} --appid {args.appid} --api-key-file {key_file} "
            f"--cert {cert} --key {key}" + (f" --ca {ca}" if args.tls else ""))
    return server, hint
