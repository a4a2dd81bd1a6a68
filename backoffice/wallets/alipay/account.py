"""One store's Alipay merchant account, as the connector uses it (keys loaded)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey


@dataclass(frozen=True)
class AlipayAccount:
    gateway_url: str
    app_id: str
    private_key: RSAPrivateKey
    alipay_public_key: RSAPublicKey
    #: Certificate mode: all three set (answers must carry ``alipay_cert_sn``).
    app_cert_sn: str = ""
    alipay_root_cert_sn: str = ""
    alipay_cert_sn: str = ""
    #: Service providers: the sub-merchant's token and id (``app_auth_token``,
    #: ``sub_merchant.merchant_id``).
    app_auth_token: str = ""
    sub_merchant_id: str = ""
    #: The seller account (``seller_id``) answers must name when set.
    seller_id: str = ""

    @property
    def cert_mode(self) -> bool:
        return bool(self.app_cert_sn)
