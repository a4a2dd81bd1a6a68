"""The Terminal API: where the store's POS reaches this terminal (docs/pos-api.md)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from terminal.errors import ConfigError
from terminal.settings.schema import setting


@dataclass(frozen=True)
class PosApiSettings:
    enabled: bool = setting(True, doc="serve the Terminal API from `payterm serve` and "
                                      "`payterm run`")
    listen: str = setting("127.0.0.1:8791",
                          doc="host:port; a LAN address only when set here explicitly")
    tls: bool = setting(True, doc="HTTPS with the terminal's self-signed certificate")
    key_file: str = setting("keys/pos_api.json",
                            doc="the POS key and certificate fingerprint (0600), made on "
                                "first use; relative to the data directory")
    cert_file: str = setting("keys/pos_api_cert.pem")
    cert_key_file: str = setting("keys/pos_api_cert_key.pem", doc="0600")
    poi_id: str = setting("", doc="the POIID this terminal answers to (default: the "
                                  "terminal id)")
    default_timeout_s: float = setting(60.0, min=1, max=600,
                                       doc="how long a Payment request waits for the outcome "
                                           "before answering InProgress")
    max_timeout_s: float = setting(300.0, min=1, max=3600,
                                   doc="the largest Payterm-Timeout a POS may ask for")
    max_body_bytes: int = setting(65536, min=1024, max=4 * 1024 * 1024,
                                  doc="larger requests are refused unread (413)")
    body_read_timeout_s: float = setting(10.0, min=0.5, max=120,
                                         doc="a client that sends its body slower is cut off")
    auth_failures_per_minute: int = setting(10, min=1, max=10000,
                                            doc="per client address; past it 429 for a minute")
    max_connections: int = setting(32, min=1, max=1024)
    serial_port: str = setting("", doc="line-framed JSON on this serial port (RS-232 POS); "
                                       "empty: off")
    serial_baud: int = setting(115200, choices=(9600, 19200, 38400, 57600, 115200))

    def __post_init__(self) -> None:
        listen_address(self.listen)


def listen_address(text: str) -> tuple[str, int]:
    """``host:port`` with an IP address (no names: the terminal listens where it is
    told, nowhere else). Raises ConfigError naming ``pos_api.listen``."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
        number = int(port)
    except ValueError:
        raise ConfigError("pos_api.listen", f"must be IP:port, e.g. 127.0.0.1:8791; "
                                            f"got {text!r}") from None
    if not sep or not 1 <= number <= 65535:
        raise ConfigError("pos_api.listen", f"port must be 1..65535; got {text!r}")
    return host, number
