"""A USB printer (``usb://VID:PID``) through pyusb: the printer-class interface (class
7) or, failing that, a vendor-specific one with a bulk OUT endpoint.

Not python-escpos' ``Usb``: it assumes endpoints 0x01/0x82 instead of reading them
from the interface, resets the device on every open (which throws away whatever the
printer still had to print), logs and ignores configuration errors, and writes without
a timeout by default. Here the endpoints come from the descriptors, the kernel's usblp
driver is detached only from the interface we claim, every transfer has a timeout,
and a vanished device is reported as such.
"""

from __future__ import annotations

import errno
from typing import Any

from drivers.printer.links.link import LinkGone, LinkTimeout
from terminal.errors import DeviceError

KEY = "printer.port"
PRINTER_CLASS = 7
VENDOR_CLASS = 0xFF
_GONE_ERRNOS = {errno.ENODEV, errno.EIO, errno.ENOENT, errno.EPIPE, errno.ESHUTDOWN}


def _usb() -> Any:
    """pyusb, imported on first use so a kiosk without USB printers never needs it."""
    try:
        import usb.core
        import usb.util
    except ImportError as exc:  # pragma: no cover - pyusb is a declared dependency
        raise DeviceError("printer", "pyusb is not installed",
                          user_message="缺少 USB 支持 / USB support missing") from exc
    return usb


class UsbLink:
    #: A printer restart drops the connection/device: the link itself fails.
    survives_printer_reset = False

    def __init__(self, vendor_id: int, product_id: int, *, name: str = "",
                 backend: object | None = None) -> None:
        self.vendor_id, self.product_id = vendor_id, product_id
        self.name = name or f"usb://{vendor_id:04x}:{product_id:04x}"
        self.backend = backend
        # pyusb objects (pyusb has no type information)
        self._device: Any = None
        self._interface: Any = None
        self._ep_out: Any = None
        self._ep_in: Any = None
        self._pending = bytearray()

    @property
    def is_open(self) -> bool:
        return self._device is not None

    def open(self) -> None:
        usb = _usb()
        where = f"{self.name} ({KEY})"
        try:
            device = usb.core.find(idVendor=self.vendor_id, idProduct=self.product_id,
                                   backend=self.backend)
        except usb.core.NoBackendError as exc:
            raise DeviceError("printer", "no libusb on this system (apt-get install "
                              "libusb-1.0-0)", user_message="缺少 USB 支持 / USB support "
                              "missing") from exc
        if device is None:
            raise DeviceError("printer", f"no USB device {self.vendor_id:04x}:"
                              f"{self.product_id:04x} is connected ({where}); check the "
                              "cable and power, or the ids with `payterm printer detect`",
                              user_message="USB 打印机未连接 / USB printer not connected")
        try:
            interface = self._claim(usb, device, where)
        except usb.core.USBError as exc:
            usb.util.dispose_resources(device)
            raise DeviceError("printer", f"cannot use {where}: {exc} (permission: is the "
                              "payterm udev rule installed?)",
                              user_message="USB 打印机无法使用 / USB printer cannot be "
                              "used") from exc
        except DeviceError:
            usb.util.dispose_resources(device)
            raise
        self._device, self._interface = device, interface
        self._pending.clear()

    def _claim(self, usb: Any, device: Any, where: str) -> Any:
        try:
            config = device.get_active_configuration()
        except usb.core.USBError:
            device.set_configuration()
            config = device.get_active_configuration()
        interface = _printer_interface(usb, config)
        if interface is None:
            raise DeviceError("printer", f"{where} has no printer interface (class 7) or "
                              "vendor interface with a bulk OUT endpoint: is it a printer?",
                              user_message="该 USB 设备不是打印机 / That USB device is not "
                              "a printer")
        number = interface.bInterfaceNumber
        try:
            if device.is_kernel_driver_active(number):
                device.detach_kernel_driver(number)
        except NotImplementedError:
            pass                          # backends without kernel drivers (or Windows)
        usb.util.claim_interface(device, number)
        self._ep_out = _endpoint(usb, interface, usb.util.ENDPOINT_OUT)
        self._ep_in = _endpoint(usb, interface, usb.util.ENDPOINT_IN)
        if self._ep_in is None:
            raise DeviceError("printer", f"{where} is a one-way printer (no bulk IN "
                              "endpoint): payterm needs its status replies",
                              user_message="该 USB 打印机不回传状态 / That USB printer "
                              "sends no status")
        return interface

    def write(self, chunk: bytes, timeout_s: float) -> None:
        usb = _usb()
        device = self._open_device()
        try:
            # A bulk transfer completes when the printer accepts the data: the wire
            # paces it, and the timeout bounds a printer that stopped taking bytes.
            written = device.write(self._ep_out, chunk, timeout=max(1, int(timeout_s * 1000)))
        except usb.core.USBTimeoutError as exc:
            raise LinkTimeout(f"USB write timed out after {timeout_s:g} s (printer busy)") from exc
        except usb.core.USBError as exc:
            raise LinkGone(f"USB write failed: {exc}") from exc
        if written != len(chunk):
            raise LinkTimeout(f"only {written} of {len(chunk)} bytes accepted within "
                              f"{timeout_s:g} s")

    def read(self, max_bytes: int, timeout_s: float) -> bytes:
        if not self._pending:
            self._pending += self._transfer_in(max(1, int(timeout_s * 1000)))
        out = bytes(self._pending[:max_bytes])
        del self._pending[:max_bytes]
        return out

    def _transfer_in(self, timeout_ms: int) -> bytes:
        usb = _usb()
        device = self._open_device()
        try:
            # Always a whole packet: asking for less overflows when the printer sends more.
            return bytes(device.read(self._ep_in, self._ep_in.wMaxPacketSize,
                                     timeout=timeout_ms))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            if exc.errno in _GONE_ERRNOS or exc.backend_error_code == -4:
                raise LinkGone(f"USB device gone: {exc}") from exc
            raise LinkGone(f"USB read failed: {exc}") from exc

    def discard_input(self) -> None:
        self._pending.clear()
        for _ in range(16):                    # bounded: a few packets at most
            if not self._transfer_in(1):
                return

    def in_flight_s(self) -> float:
        return 0.0                             # a completed bulk write is at the printer

    def reply_allowance_s(self, n_bytes: int) -> float:
        return 0.02                            # a few bulk-IN polling intervals

    def close(self) -> None:
        if self._device is None:
            return
        usb = _usb()
        try:
            usb.util.release_interface(self._device, self._interface.bInterfaceNumber)
        except (usb.core.USBError, ValueError):
            pass                               # releasing a vanished device
        try:
            usb.util.dispose_resources(self._device)
        except usb.core.USBError:
            pass
        self._device = self._interface = self._ep_out = self._ep_in = None
        self._pending.clear()

    def _open_device(self) -> Any:
        if self._device is None:
            raise LinkGone("not connected")
        return self._device


def _printer_interface(usb: Any, config: Any) -> Any:
    """The printer-class interface, else a vendor-specific one with bulk OUT."""
    vendor = None
    for interface in config:
        if interface.bAlternateSetting != 0:
            continue
        if interface.bInterfaceClass == PRINTER_CLASS:
            return interface
        if interface.bInterfaceClass == VENDOR_CLASS and vendor is None and \
                _endpoint(usb, interface, usb.util.ENDPOINT_OUT) is not None:
            vendor = interface
    return vendor


def _endpoint(usb: Any, interface: Any, direction: int) -> Any:
    return usb.util.find_descriptor(
        interface, custom_match=lambda ep: (
            usb.util.endpoint_direction(ep.bEndpointAddress) == direction
            and usb.util.endpoint_type(ep.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK))
