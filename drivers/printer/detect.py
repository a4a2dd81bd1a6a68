"""Finding printers for ``payterm printer detect``: serial ports, USB printers on the
bus (pyusb), and one LAN address the technician names (``HOST[:PORT]``).

Never a network range: a LAN probe is one TCP connection to one address, a status
query and a short wait, and a range, a wildcard or a netmask is refused.
"""

from __future__ import annotations

import socket
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from drivers.printer.status_bytes import QUERY_ALL, parse_status
from terminal.errors import ConfigError, UserFacingError
from terminal.settings.printer_port import PrinterPort, parse_printer_port

PRINTER_CLASS, VENDOR_CLASS = 7, 0xFF


@dataclass(frozen=True)
class SerialPortInfo:
    device: str
    description: str
    hardware_id: str
    usb_id: str = ""             # "vid:pid" of a USB-serial adapter


@dataclass(frozen=True)
class UsbPrinterInfo:
    port: str                    # what to write in printer.port
    vendor_id: str
    product_id: str
    manufacturer: str
    product: str
    bus: int | None
    address: int | None
    interface_class: str         # "printer" or "vendor"
    bidirectional: bool          # has a bulk IN endpoint (status replies)


@dataclass
class NetworkProbe:
    port: str                    # tcp://HOST:PORT
    connected: bool = False
    connect_ms: float | None = None
    status: dict[str, Any] | None = None
    problem: str = ""


@dataclass
class Detection:
    serial_ports: list[SerialPortInfo] = field(default_factory=list)
    usb_printers: list[UsbPrinterInfo] = field(default_factory=list)
    usb_problem: str = ""
    network: NetworkProbe | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"serial_ports": [asdict(p) for p in self.serial_ports],
                "usb_printers": [asdict(p) for p in self.usb_printers],
                "usb_problem": self.usb_problem,
                "network": asdict(self.network) if self.network else None}


def serial_ports() -> list[SerialPortInfo]:
    """Every serial port the OS lists (pyserial), USB-serial adapters with their ids."""
    from serial.tools import list_ports
    found = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        usb_id = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None else ""
        found.append(SerialPortInfo(port.device, port.description or "", port.hwid or "",
                                    usb_id))
    return found


def usb_printers(backend: object | None = None) -> tuple[list[UsbPrinterInfo], str]:
    """USB devices with a printer-class interface (or a vendor interface with a bulk OUT
    endpoint, as some Chinese printers have), and a problem sentence when the bus could
    not be read (no libusb, no permission)."""
    try:
        import usb.core
        import usb.util
        devices = list(usb.core.find(find_all=True, backend=backend))
    except ImportError:
        return [], "pyusb is not installed"
    except usb.core.NoBackendError:
        return [], "no libusb on this system (apt-get install libusb-1.0-0)"
    except usb.core.USBError as exc:
        return [], f"cannot read the USB bus: {exc}"
    found = []
    for device in devices:
        kind, bidirectional = _printer_kind(usb, device)
        if not kind:
            continue
        found.append(UsbPrinterInfo(
            port=f"usb://{device.idVendor:04x}:{device.idProduct:04x}",
            vendor_id=f"{device.idVendor:04x}", product_id=f"{device.idProduct:04x}",
            manufacturer=_string(usb, device, device.iManufacturer),
            product=_string(usb, device, device.iProduct), bus=device.bus,
            address=device.address, interface_class=kind, bidirectional=bidirectional))
    return found, ""


def _printer_kind(usb: Any, device: Any) -> tuple[str, bool]:
    try:
        configuration = device[0]
    except (usb.core.USBError, IndexError):
        return "", False
    for interface in configuration:
        endpoints = [(usb.util.endpoint_direction(ep.bEndpointAddress),
                      usb.util.endpoint_type(ep.bmAttributes)) for ep in interface]
        bulk_out = (usb.util.ENDPOINT_OUT, usb.util.ENDPOINT_TYPE_BULK) in endpoints
        bulk_in = (usb.util.ENDPOINT_IN, usb.util.ENDPOINT_TYPE_BULK) in endpoints
        if interface.bInterfaceClass == PRINTER_CLASS:
            return "printer", bulk_in
        if interface.bInterfaceClass == VENDOR_CLASS and bulk_out:
            return "vendor", bulk_in
    return "", False


def _string(usb: Any, device: Any, index: int) -> str:
    if not index:
        return ""
    try:
        return usb.util.get_string(device, index) or ""
    except (usb.core.USBError, ValueError, NotImplementedError):
        return ""                      # no permission to open it, or no strings


def parse_probe_address(text: str) -> PrinterPort:
    """``HOST``, ``HOST:PORT`` or ``tcp://HOST:PORT`` -> a parsed TCP port. A range,
    wildcard or netmask is refused: detection never scans a network."""
    value = text.strip()
    ipv4_range = value.replace("-", "").replace(".", "").replace(":", "").isdigit() \
        and "-" in value
    if ipv4_range or any(mark in value.removeprefix("tcp://").rstrip("/")
                         for mark in ("/", "*", ",", " ")):
        raise UserFacingError(f"--address {text!r}: give one printer address (HOST or "
                              "HOST:PORT); payterm never scans a network range")
    if value.startswith("tcp://"):
        candidate = value
    elif value.startswith("[") or value.count(":") <= 1:
        candidate = f"tcp://{value}"
    else:                                   # a bare IPv6 address
        candidate = f"tcp://[{value}]"
    try:
        return parse_printer_port(candidate)
    except ConfigError as exc:
        raise UserFacingError(f"--address {text!r} is not a printer address: "
                              f"{exc.problem}") from None


def probe_network(address: PrinterPort, *, connect_timeout_s: float = 2.0,
                  reply_timeout_s: float = 0.5) -> NetworkProbe:
    """One connection to one address: connect, ``DLE EOT 1..4``, read the replies."""
    probe = NetworkProbe(address.describe())
    started = time.monotonic()
    try:
        sock = socket.create_connection((address.host, address.tcp_port),
                                        timeout=connect_timeout_s)
    except (socket.timeout, TimeoutError):
        probe.problem = f"no answer within {connect_timeout_s:g} s"
        return probe
    except OSError as exc:
        probe.problem = f"cannot connect: {exc.strerror or exc}"
        return probe
    with sock:
        probe.connected = True
        probe.connect_ms = round((time.monotonic() - started) * 1000, 1)
        replies = bytearray()
        deadline = time.monotonic() + reply_timeout_s
        try:
            sock.sendall(QUERY_ALL)
            while len(replies) < 4 and time.monotonic() < deadline:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                data = sock.recv(4 - len(replies))
                if not data:
                    break
                replies += data
        except (socket.timeout, TimeoutError):
            pass
        except OSError as exc:
            probe.problem = f"connection lost: {exc.strerror or exc}"
        status = parse_status(bytes(replies))
        probe.status = status.as_dict()
        if not status.known and not probe.problem:
            probe.problem = ("something listens there but it did not answer like an "
                             "ESC/POS printer: " + status.problem)
    return probe


def detect(*, address: str | None = None, usb_backend: object | None = None) -> Detection:
    result = Detection(serial_ports=serial_ports())
    result.usb_printers, result.usb_problem = usb_printers(usb_backend)
    if address:
        result.network = probe_network(parse_probe_address(address))
    return result
