"""One store's WeChat Pay merchant account, as the connector uses it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WechatAccount:
    api_url: str              # https://api.mch.weixin.qq.com (no trailing slash)
    appid: str
    mch_id: str
    api_key: str
    #: The API client certificate and its key (files, 0600), for reverse and refund.
    cert_file: str = ""
    key_file: str = ""
    #: A CA bundle to trust instead of the system's (a sandbox with its own CA).
    ca_file: str = ""
    #: Service providers: the sub-merchant (``sub_mch_id``, optional ``sub_appid``).
    sub_mch_id: str = ""
    sub_appid: str = ""
    client_ip: str = "127.0.0.1"
