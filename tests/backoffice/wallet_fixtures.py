"""Fixtures of the wallet connector tests: RSA keys of the app and of "Alipay", the
sandboxes on loopback with the official SDKs signing their answers, and a back office
serving wallet codes with the store's accounts configured.

The wallets' waiting rules run at a tenth of their real timings (30 s -> 3 s), the
sandbox's buyer types a password in 1 s, and its slow answers take longer than the
back office's wallet call deadline (3 s here)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2, verify_with_rsa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backoffice.settings import BackofficeSettings
from backoffice.wallets.accounts import save_account
from backoffice.wallets.sandbox.alipay_gateway import AlipayApp, AlipaySandbox
from backoffice.wallets.sandbox.http_server import SandboxServer
from backoffice.wallets.sandbox.wallet_ledger import SandboxConfig, WalletLedger
from tests.backoffice.harness import InProcessBackoffice, TerminalIdentity, in_transaction

ALIPAY_APP_ID = "2021000000000077"
FAST = dict(wallet_timing_scale=0.1, wallet_call_deadline_s=3.0, wallet_connect_timeout_s=1.0,
            wallet_resolver_interval_s=0.2)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#1 (``BEGIN RSA PRIVATE KEY``), the form Alipay's Python SDK loads."""
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sdk_body(pem: str) -> str:
    """The bare base64 body of a PEM, as merchants paste keys into the SDK's config."""
    return "".join(line for line in pem.splitlines() if "-----" not in line)


def sdk_verifies_request(params: dict[str, str], app_public: rsa.RSAPublicKey) -> bool:
    """The official SDK's check of a request's RSA2 signature (sign left out)."""
    content = get_sign_content({k: v for k, v in params.items() if k != "sign"})
    try:
        return verify_with_rsa(sdk_body(public_pem(app_public)), content.encode("utf-8"),
                               params["sign"])
    except Exception:           # rsa.VerificationError: not valid
        return False


@dataclass
class AlipayWorld:
    app_key: rsa.RSAPrivateKey
    alipay_key: rsa.RSAPrivateKey
    sandbox: AlipaySandbox
    server: SandboxServer
    ledger: WalletLedger

    @property
    def gateway_url(self) -> str:
        return self.server.url("/gateway.do")

    def public_settings(self) -> dict[str, Any]:
        return {"gateway_url": self.gateway_url, "app_id": ALIPAY_APP_ID}

    def secrets(self) -> dict[str, Any]:
        return {"private_key_pem": private_pem(self.app_key),
                "alipay_public_key_pem": public_pem(self.alipay_key.public_key())}


@pytest.fixture(scope="session")
def wallet_keys() -> list[rsa.RSAPrivateKey]:
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3)]


@pytest.fixture
def sandbox_ledger() -> WalletLedger:
    return WalletLedger(SandboxConfig(password_delay_s=1.0, slow_delay_s=4.5,
                                      cancel_retry_times=2))


@pytest.fixture
def alipay_world(wallet_keys, sandbox_ledger):
    app_key, alipay_key, stranger = wallet_keys
    alipay_pkcs1 = private_pem(alipay_key)
    sandbox = AlipaySandbox(ledger=sandbox_ledger, alipay_private_key=alipay_key,
                            apps={ALIPAY_APP_ID: AlipayApp(app_key.public_key())},
                            signer=lambda text: sign_with_rsa2(alipay_pkcs1, text, "utf-8"),
                            other_key=stranger)
    server = SandboxServer(sandbox)
    yield AlipayWorld(app_key, alipay_key, sandbox, server, sandbox_ledger)
    server.stop()


@pytest.fixture
def wallet_settings() -> BackofficeSettings:
    return BackofficeSettings(**FAST)


@pytest.fixture
def wallet_backoffice(database_url, wallet_settings, bo_key, tmp_path, key_pool):
    server = InProcessBackoffice(database_url, wallet_settings, bo_key,
                                 wallet_keys_dir=tmp_path / "wallet-keys")
    server.register(TerminalIdentity("T0001", "S1", key_pool[0]))
    yield server
    server.stop()


@pytest.fixture
def wallet_terminal(key_pool) -> TerminalIdentity:
    return TerminalIdentity("T0001", "S1", key_pool[0])


@pytest.fixture(params=["alipay", "wechat"])
def configured_wallet(request, wallet_backoffice):
    """Each wallet in turn, its account saved for store S1: (name, its sandbox world)."""
    name = request.param
    world = request.getfixturevalue(f"{name}_world")
    configure(wallet_backoffice, name, world.public_settings(), world.secrets())
    return name, world


def configure(backoffice: InProcessBackoffice, wallet: str, public: dict[str, Any],
              secrets: dict[str, Any], store_id: str = "S1") -> int:
    sealer = backoffice.wallets.resolver.sealer
    return in_transaction(backoffice.engine, lambda conn, now: save_account(
        conn, sealer, store_id=store_id, wallet=wallet, public=public, secrets=secrets,
        now=now))


def wait_for(predicate, timeout_s: float = 20.0, interval_s: float = 0.1):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError("condition not met in time")


# -- WeChat Pay ---------------------------------------------------------------------------
WECHAT_MCH_ID, WECHAT_APPID = "1900000109", "wx8888888888888888"
WECHAT_API_KEY = "192006250b4c09247ec02edce69f6a2d"


@dataclass
class WechatWorld:
    sandbox: Any
    server: SandboxServer
    ledger: WalletLedger
    pems: Any

    @property
    def api_url(self) -> str:
        return self.server.url("")

    def public_settings(self) -> dict[str, Any]:
        return {"api_url": self.api_url, "appid": WECHAT_APPID, "mch_id": WECHAT_MCH_ID,
                "ca_pem": self.pems.ca_cert}

    def secrets(self) -> dict[str, Any]:
        return {"api_key": WECHAT_API_KEY, "cert_pem": self.pems.client_cert,
                "key_pem": self.pems.client_key}


@pytest.fixture(scope="session")
def wechat_pems():
    from backoffice.wallets.sandbox.tls import make_pems
    return make_pems(WECHAT_MCH_ID)


@pytest.fixture
def wechat_world(sandbox_ledger, wechat_pems, tmp_path):
    from wechatpy.pay.utils import calculate_signature_hmac

    from backoffice.wallets.sandbox.wechat_gateway import WechatMerchant, WechatSandbox
    from backoffice.wallets.sandbox.tls import server_context
    sandbox = WechatSandbox(ledger=sandbox_ledger,
                            merchants={WECHAT_MCH_ID: WechatMerchant(WECHAT_APPID,
                                                                     WECHAT_API_KEY)},
                            require_client_cert=True,
                            signer=lambda fields, key: calculate_signature_hmac(
                                {k: v for k, v in fields.items() if k != "sign"}, key))
    server = SandboxServer(sandbox, tls=server_context(wechat_pems, tmp_path / "tls"))
    yield WechatWorld(sandbox, server, sandbox_ledger, wechat_pems)
    server.stop()
