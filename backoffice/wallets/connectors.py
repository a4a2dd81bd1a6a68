"""Connectors built from stored accounts, cached by (store, wallet, version): a
``wallet set`` (rotation) bumps the version and the next call uses the new keys."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Protocol

from cryptography.hazmat.primitives.serialization import (load_pem_private_key,
                                                          load_pem_public_key)

from backoffice.wallets.accounts import WalletAccount
from backoffice.wallets.alipay.account import AlipayAccount
from backoffice.wallets.alipay.connector import AlipayConnector
from backoffice.wallets.outcome import WalletAnswer
from backoffice.wallets.transport import Deadlines


class Connector(Protocol):
    wallet: str

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int,
            subject: str) -> WalletAnswer: ...

    def query(self, out_trade_no: str, amount_fen: int) -> WalletAnswer: ...

    def cancel(self, out_trade_no: str) -> WalletAnswer: ...

    def refund(self, out_trade_no: str, request_no: str, refund_fen: int, total_fen: int,
               reason: str) -> WalletAnswer: ...


def alipay_account(account: WalletAccount) -> AlipayAccount:
    public, secrets = account.public, account.secrets
    private_key = load_pem_private_key(secrets["private_key_pem"].encode(), password=None)
    alipay_key = load_pem_public_key(secrets["alipay_public_key_pem"].encode())
    return AlipayAccount(
        gateway_url=public["gateway_url"], app_id=public["app_id"],
        private_key=private_key, alipay_public_key=alipay_key,    # type: ignore[arg-type]
        app_cert_sn=public.get("app_cert_sn", ""),
        alipay_root_cert_sn=public.get("alipay_root_cert_sn", ""),
        alipay_cert_sn=public.get("alipay_cert_sn", ""),
        app_auth_token=secrets.get("app_auth_token", ""),
        sub_merchant_id=public.get("sub_merchant_id", ""),
        seller_id=public.get("seller_id", ""))


class ConnectorCache:
    def __init__(self, deadlines: Deadlines, runtime_dir: Path | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self._deadlines = deadlines
        self._runtime_dir = runtime_dir
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[int, Any]] = {}

    def get(self, account: WalletAccount) -> Connector:
        key = (account.store_id, account.wallet)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == account.version:
                return cached[1]
        connector = self._build(account)
        with self._lock:
            self._cache[key] = (account.version, connector)
        return connector

    def _build(self, account: WalletAccount) -> Connector:
        extra: dict[str, Any] = {"clock": self._clock} if self._clock else {}
        if account.wallet == "alipay":
            return AlipayConnector(alipay_account(account), self._deadlines, **extra)
        from backoffice.wallets.wechat.connector import wechat_connector
        return wechat_connector(account, self._deadlines, self._runtime_dir)
