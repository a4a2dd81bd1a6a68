"""How to reach the payment host."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class HostSettings:
    base_url: str = setting("http://127.0.0.1:8790/gateway.do",
                            doc="the host's gateway URL; the demo starts a simulator instead")
    app_id: str = setting("2026000000000001", doc="this merchant's app id at the host")
    alipay_direct: bool = setting(False, doc="talk straight to Alipay's open platform (a "
                                             "one-terminal shop): its answers do not echo "
                                             "terminal_id; wallet codes only")
    connect_timeout_s: float = setting(3.0, min=0.05, max=60)
    read_timeout_s: float = setting(10.0, min=0.1, max=120)
    write_timeout_s: float = setting(5.0, min=0.05, max=60)
    private_key_file: str = setting("keys/terminal_private.pem",
                                    doc="relative to the data directory; 0600")
    host_public_key_file: str = setting("keys/host_public.pem",
                                        doc="relative to the data directory")
    pool_timeout_s: float = setting(2.0, min=0.05, max=60,
                                    doc="waiting for a free pooled connection")
    connect_retries: int = setting(2, min=0, max=10,
                                   doc="extra tries on connect errors, only for query, "
                                       "ping, balance and the daily statement")
    connect_retry_delay_s: float = setting(0.2, min=0, max=10)
    call_deadline_s: float = setting(20.0, min=0.5, max=600,
                                     doc="overall limit of one host call (connect, send, "
                                         "answer, retries); past it the outcome is unknown "
                                         "and resolved by query")
    max_answer_bytes: int = setting(8 * 1024 * 1024, min=4096, max=256 * 1024 * 1024,
                                    doc="larger answers are refused without being read "
                                        "(outcome unknown, resolved by query)")
