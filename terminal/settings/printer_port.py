"""What ``printer.port`` may say, parsed: a serial device, a LAN printer's raw port
(``tcp://HOST:9100``) or a USB printer (``usb://VID:PID``).

Pure parsing, no I/O: the settings check uses it so that a port string of none of the
three forms stops start-up (and the technician's settings editor) with a message that
names ``printer.port``; the printer drivers use it to pick their transport.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import Enum

from terminal.errors import ConfigError

KEY = "printer.port"
DEFAULT_RAW_PORT = 9100
FORMS = ("a serial device path such as /dev/ttyUSB0", "tcp://HOST:9100",
         "usb://VID:PID (hexadecimal, e.g. usb://0416:5011)")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_USB_ID = re.compile(r"^(?:0x)?([0-9A-Fa-f]{1,4})$")


class PortKind(str, Enum):
    SERIAL = "serial"
    TCP = "tcp"
    USB = "usb"


@dataclass(frozen=True)
class PrinterPort:
    """One parsed ``printer.port``. ``text`` is what the setting said."""

    kind: PortKind
    text: str
    device: str = ""          # SERIAL: the device path
    host: str = ""            # TCP: name or address (IPv6 without brackets)
    tcp_port: int = 0         # TCP
    vendor_id: int = 0        # USB
    product_id: int = 0       # USB

    def describe(self) -> str:
        if self.kind is PortKind.TCP:
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"tcp://{host}:{self.tcp_port}"
        if self.kind is PortKind.USB:
            return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"
        return self.device


def _bad(text: str, why: str) -> ConfigError:
    return ConfigError(KEY, f"{why}; got {text!r}. Use one of: {'; '.join(FORMS)}")


def parse_printer_port(text: str) -> PrinterPort:
    """Parse ``text``; ConfigError naming ``printer.port`` when it is none of the forms."""
    if not isinstance(text, str) or not text.strip():
        raise _bad(str(text), "the printer port is empty")
    if text != text.strip() or any(ch.isspace() or ord(ch) < 0x20 for ch in text):
        raise _bad(text, "the printer port contains spaces or control characters")
    if "://" not in text:
        if not text.startswith("/"):
            raise _bad(text, "a serial device must be an absolute path")
        return PrinterPort(PortKind.SERIAL, text, device=text)
    scheme, _, rest = text.partition("://")
    if scheme == "tcp":
        return _parse_tcp(text, rest)
    if scheme == "usb":
        return _parse_usb(text, rest)
    raise _bad(text, f"unknown printer port scheme {scheme!r}")


def _parse_tcp(text: str, rest: str) -> PrinterPort:
    rest = rest.rstrip("/")
    if "/" in rest or "?" in rest or "@" in rest:
        raise _bad(text, "a LAN printer address is only HOST or HOST:PORT")
    if rest.startswith("["):
        host, sep, tail = rest[1:].partition("]")
        if not sep:
            raise _bad(text, "unclosed [ in an IPv6 address")
        port_text = tail[1:] if tail.startswith(":") else ("" if not tail else None)
        if port_text is None:
            raise _bad(text, "expected :PORT after the IPv6 address")
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _bad(text, f"{host!r} is not an IPv6 address") from None
    else:
        host, sep, port_text = rest.partition(":")
        if ":" in port_text:
            raise _bad(text, "write an IPv6 address in brackets: tcp://[ADDR]:9100")
        if not _HOST_NAME.match(host):
            raise _bad(text, f"{host!r} is not a host name or IPv4 address")
    if port_text == "":
        port = DEFAULT_RAW_PORT
    elif port_text.isdigit() and 1 <= int(port_text) <= 65535:
        port = int(port_text)
    else:
        raise _bad(text, f"the TCP port must be 1..65535, got {port_text!r}")
    return PrinterPort(PortKind.TCP, text, host=host, tcp_port=port)


def _parse_usb(text: str, rest: str) -> PrinterPort:
    vendor, sep, product = rest.partition(":")
    ids = [_USB_ID.match(part) for part in (vendor, product)]
    if not sep or not all(ids):
        raise _bad(text, "a USB printer is usb://VID:PID with two hexadecimal ids of up "
                         "to 4 digits")
    vid, pid = (int(m.group(1), 16) for m in ids if m is not None)
    if vid == 0 or pid == 0:
        raise _bad(text, "USB vendor and product ids are never 0000")
    return PrinterPort(PortKind.USB, text, vendor_id=vid, product_id=pid)
