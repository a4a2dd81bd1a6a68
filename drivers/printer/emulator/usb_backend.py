"""A fake pyusb backend with USB receipt printers on it, for tests and the demo.

pyusb lets a program pass its own backend (``usb.core.find(backend=...)``); this one
implements ``usb.backend.IBackend`` the way libusb does for a real printer, so the real
USB link runs unchanged against it:

* descriptors: one configuration, a printer-class interface (class 7, subclass 1,
  protocol 2 = bidirectional) with a bulk OUT and a bulk IN endpoint, at addresses a
  test chooses (real printers use 0x01/0x81, 0x02/0x82, 0x03/0x81 ...); or a
  vendor-specific interface, or a one-way printer without an IN endpoint;
* the kernel's ``usblp`` driver holds the interface until it is detached, and claiming
  it before that fails with EBUSY, as on Linux;
* bulk OUT feeds a ``PrinterMechanism`` (bounded buffer: a full buffer makes the
  transfer time out, with part of the data taken, like a NAKing device); bulk IN
  returns status replies or times out; string descriptors answer ``get_string``;
* ``unplug()`` makes every call fail with ENODEV / LIBUSB_ERROR_NO_DEVICE and hides the
  device; ``plug_in()`` brings it back at a new address with ``usblp`` attached again;
  a power cycle (fault) unplugs it for ``boot_s``.
"""

from __future__ import annotations

import array
import errno
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, cast

import usb.backend
import usb.core

from drivers.printer.emulator.document import ReceivedReceipt
from drivers.printer.emulator.faults import PrinterFaults
from drivers.printer.emulator.mechanism import LinkEvent, PrinterMechanism

LIBUSB_ERROR_NO_DEVICE, LIBUSB_ERROR_BUSY, LIBUSB_ERROR_TIMEOUT = -4, -6, -7
LIBUSB_ERROR_NOT_FOUND = -5
PACKET = 64


@dataclass
class _Descriptor:
    """An object with descriptor fields as attributes (what pyusb reads)."""
    fields: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None


class FakeUsbPrinter:
    """One USB printer on the fake bus. Its own thread runs the print head."""

    def __init__(self, vendor_id: int = 0x0416, product_id: int = 0x5011, *,
                 manufacturer: str = "Winbond", product: str = "POS58 Printer USB",
                 serial: str = "FAKE0001", out_address: int = 0x02, in_address: int | None = 0x81,
                 interface_class: int = 7, faults: PrinterFaults = PrinterFaults(),
                 buffer_bytes: int = 4096, print_bytes_per_s: float | None = None) -> None:
        self.vendor_id, self.product_id = vendor_id, product_id
        self.strings = {1: manufacturer, 2: product, 3: serial}
        self.out_address, self.in_address = out_address, in_address
        self.interface_class = interface_class
        self.mechanism = PrinterMechanism(faults, buffer_bytes=buffer_bytes,
                                          print_bytes_per_s=print_bytes_per_s)
        self.address = 5
        self.kernel_driver_attached = True
        self.claimed = False
        self.configuration = 1
        self.opened = 0
        self._plugged = True
        self._generation = 0             # bumps on every unplug: old handles die
        self._in = bytearray()
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._replug_at: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"fake-usb-printer-{vendor_id:04x}")
        self._thread.start()

    # -- what a test does to it ----------------------------------------------------
    def unplug(self) -> None:
        with self._lock:
            self._plugged = False
            self._generation += 1
            self.claimed = False
            self._in.clear()
            self._lock.notify_all()

    def plug_in(self) -> None:
        with self._lock:
            self._plugged = True
            self.address += 1
            self.kernel_driver_attached = True      # usblp binds again on enumeration
            self._replug_at = None

    @property
    def plugged(self) -> bool:
        with self._lock:
            return self._plugged

    def set_faults(self, **changes: Any) -> PrinterFaults:
        return self.mechanism.set_faults(**changes)

    def receipts(self) -> list[ReceivedReceipt]:
        return self.mechanism.receipts()

    def wait_for_receipts(self, count: int, timeout_s: float = 5.0) -> list[ReceivedReceipt]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and len(self.receipts()) < count:
            time.sleep(0.005)
        return self.receipts()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2.0)
        self.mechanism.flush()

    # -- descriptors -----------------------------------------------------------------
    def device_descriptor(self) -> _Descriptor:
        return _Descriptor(dict(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=self.vendor_id,
            idProduct=self.product_id, bcdDevice=0x0100, iManufacturer=1, iProduct=2,
            iSerialNumber=3, bNumConfigurations=1, address=self.address, bus=1,
            port_number=3, port_numbers=(3,), speed=2))

    def endpoints(self) -> list[tuple[int, int]]:
        """(address, wMaxPacketSize) of the bulk endpoints."""
        eps = [(self.out_address, PACKET)]
        if self.in_address is not None:
            eps.append((self.in_address, PACKET))
        return eps

    # -- transfers (called by the backend with its lock not held) ---------------------
    def check(self, generation: int) -> None:
        if not self._plugged or generation != self._generation:
            raise usb.core.USBError("No such device (it may have been disconnected)",
                                    LIBUSB_ERROR_NO_DEVICE, errno.ENODEV)

    def generation(self) -> int:
        with self._lock:
            if not self._plugged:
                raise usb.core.USBError("No such device", LIBUSB_ERROR_NO_DEVICE, errno.ENODEV)
            return self._generation

    def write(self, generation: int, data: bytes, timeout_ms: int) -> int:
        deadline = time.monotonic() + (timeout_ms or 1000) / 1000
        taken = 0
        while True:
            with self._lock:
                self.check(generation)
                if not self.claimed:
                    raise usb.core.USBError("Interface not claimed", LIBUSB_ERROR_NOT_FOUND,
                                            errno.ENOENT)
                room = self.mechanism.room()
                if room:
                    received = self.mechanism.receive(data[taken:taken + room])
                    taken += received.accepted
                    self._in += received.replies
                    self._lock.notify_all()
                    if received.link_event is not LinkEvent.NONE:
                        self._drop_off_the_bus(received.link_event)
                        self.check(generation)
                if taken >= len(data):
                    return taken
            if time.monotonic() >= deadline:
                raise usb.core.USBTimeoutError("Operation timed out", LIBUSB_ERROR_TIMEOUT,
                                               errno.ETIMEDOUT)
            time.sleep(0.001)

    def read(self, generation: int, size: int, timeout_ms: int) -> bytes:
        deadline = time.monotonic() + (timeout_ms or 1000) / 1000
        with self._lock:
            while True:
                self.check(generation)
                if self._in:
                    out = bytes(self._in[:size])
                    del self._in[:size]
                    return out
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise usb.core.USBTimeoutError("Operation timed out", LIBUSB_ERROR_TIMEOUT,
                                                   errno.ETIMEDOUT)
                self._lock.wait(remaining)

    def _drop_off_the_bus(self, event: LinkEvent) -> None:
        """Called with the lock held: a disconnect or power cut takes the device away
        for ``boot_s``; the print head thread plugs it back in."""
        self._plugged = False
        self._generation += 1
        self.claimed = False
        self._in.clear()
        self._replug_at = time.monotonic() + self.mechanism.faults.boot_s
        self._lock.notify_all()

    # -- the print head --------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            replies = self.mechanism.advance()
            with self._lock:
                if replies and self._plugged:
                    self._in += replies
                    self._lock.notify_all()
                if self._replug_at is not None and time.monotonic() >= self._replug_at:
                    self._replug_at = None
                    self._plugged = True
                    self.address += 1
                    self.kernel_driver_attached = True
            self._stop.wait(0.002)


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]  # pyusb has no types
    """A pyusb backend whose bus holds ``FakeUsbPrinter`` devices (and may hold other,
    non-printer devices added with ``add_other``)."""

    def __init__(self, *printers: FakeUsbPrinter) -> None:
        super().__init__()
        self.printers = list(printers)
        self.others: list[tuple[int, int, int]] = []     # (vid, pid, class) non-printers

    def add_other(self, vendor_id: int, product_id: int, interface_class: int = 3) -> None:
        """A non-printer device on the bus (a keyboard: class 3)."""
        self.others.append((vendor_id, product_id, interface_class))

    def stop(self) -> None:
        for printer in self.printers:
            printer.stop()

    # -- enumeration and descriptors -------------------------------------------------
    def enumerate_devices(self) -> Iterator[FakeUsbPrinter | _Other]:
        found: list[FakeUsbPrinter | _Other] = [p for p in self.printers if p.plugged]
        found += [_Other(*o) for o in self.others]
        return iter(found)

    def get_device_descriptor(self, dev: FakeUsbPrinter | _Other) -> _Descriptor:
        return dev.device_descriptor()

    def get_configuration_descriptor(self, dev: FakeUsbPrinter | _Other,
                                     config: int) -> _Descriptor:
        if config != 0:
            raise IndexError(config)
        return _Descriptor(dict(bLength=9, bDescriptorType=2, wTotalLength=32,
                                bNumInterfaces=1, bConfigurationValue=1, iConfiguration=0,
                                bmAttributes=0xC0, bMaxPower=50, extra_descriptors=[]))

    def get_interface_descriptor(self, dev: FakeUsbPrinter | _Other, intf: int, alt: int,
                                 config: int) -> _Descriptor:
        if (intf, alt, config) != (0, 0, 0):
            raise IndexError(intf)
        count = len(dev.endpoints()) if isinstance(dev, FakeUsbPrinter) else 1
        return _Descriptor(dict(bLength=9, bDescriptorType=4, bInterfaceNumber=0,
                                bAlternateSetting=0, bNumEndpoints=count,
                                bInterfaceClass=dev.interface_class, bInterfaceSubClass=1,
                                bInterfaceProtocol=2 if count == 2 else 1, iInterface=0,
                                extra_descriptors=[]))

    def get_endpoint_descriptor(self, dev: FakeUsbPrinter | _Other, ep: int, intf: int, alt: int,
                                config: int) -> _Descriptor:
        if isinstance(dev, FakeUsbPrinter):
            address, size = dev.endpoints()[ep]
            attributes = 0x02                            # bulk
        else:
            address, size, attributes = 0x81, 8, 0x03     # an interrupt IN (keyboard)
        return _Descriptor(dict(bLength=7, bDescriptorType=5, bEndpointAddress=address,
                                bmAttributes=attributes, wMaxPacketSize=size, bInterval=0,
                                bRefresh=0, bSynchAddress=0, extra_descriptors=[]))

    # -- handles ---------------------------------------------------------------------
    def open_device(self, dev: FakeUsbPrinter | _Other) -> _Handle:
        if isinstance(dev, FakeUsbPrinter):
            dev.opened += 1
            return _Handle(dev, dev.generation())
        return _Handle(dev, 0)

    def close_device(self, dev_handle: _Handle) -> None:
        pass

    def get_configuration(self, dev_handle: _Handle) -> int:
        self._check(dev_handle)
        return dev_handle.device.configuration

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        self._check(dev_handle)
        dev_handle.device.configuration = config_value

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        self._check(dev_handle)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        self._check(dev_handle)
        return dev_handle.device.kernel_driver_attached

    def detach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._check(dev_handle)
        dev_handle.device.kernel_driver_attached = False

    def attach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._check(dev_handle)
        dev_handle.device.kernel_driver_attached = True

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        self._check(dev_handle)
        device = dev_handle.device
        if device.kernel_driver_attached:
            raise usb.core.USBError("Resource busy", LIBUSB_ERROR_BUSY, errno.EBUSY)
        device.claimed = True

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        self._check(dev_handle)
        dev_handle.device.claimed = False

    def clear_halt(self, dev_handle: _Handle, ep: int) -> None:
        self._check(dev_handle)

    def reset_device(self, dev_handle: _Handle) -> None:
        self._check(dev_handle)

    def bulk_write(self, dev_handle: _Handle, ep: int, intf: int, data: array.array[int],
                   timeout: int) -> int:
        device = cast(FakeUsbPrinter, dev_handle.device)     # bulk goes only to printers
        if ep != device.out_address:
            raise usb.core.USBError("Invalid endpoint", LIBUSB_ERROR_NOT_FOUND, errno.EINVAL)
        return device.write(dev_handle.generation, bytes(data), timeout)

    def bulk_read(self, dev_handle: _Handle, ep: int, intf: int, buff: array.array[int],
                  timeout: int) -> int:
        device = cast(FakeUsbPrinter, dev_handle.device)     # bulk goes only to printers
        if ep != device.in_address:
            raise usb.core.USBError("Invalid endpoint", LIBUSB_ERROR_NOT_FOUND, errno.EINVAL)
        data = device.read(dev_handle.generation, len(buff), timeout)
        buff[:len(data)] = array.array("B", data)
        return len(data)

    def ctrl_transfer(self, dev_handle: _Handle, bmRequestType: int, bRequest: int,
                      wValue: int, wIndex: int, data: array.array[int], timeout: int) -> int:
        self._check(dev_handle)
        if bmRequestType == 0x80 and bRequest == 6 and wValue >> 8 == 3:   # string
            index = wValue & 0xFF
            if index == 0:
                payload = bytes([4, 3, 0x09, 0x04])                        # en-US
            else:
                text = getattr(dev_handle.device, "strings", {}).get(index, "")
                encoded = text.encode("utf-16-le")
                payload = bytes([2 + len(encoded), 3]) + encoded
            payload = payload[:len(data)]
            data[:len(payload)] = array.array("B", payload)
            return len(payload)
        raise usb.core.USBError("Pipe error", -9, errno.EPIPE)

    @staticmethod
    def _check(dev_handle: _Handle) -> None:
        if isinstance(dev_handle.device, FakeUsbPrinter):
            with dev_handle.device._lock:
                dev_handle.device.check(dev_handle.generation)


@dataclass
class _Handle:
    device: FakeUsbPrinter | _Other
    generation: int


class _Other:
    """A device that is not a printer, so detection has something to skip."""

    def __init__(self, vendor_id: int, product_id: int, interface_class: int) -> None:
        self.vendor_id, self.product_id = vendor_id, product_id
        self.interface_class = interface_class
        self.strings = {1: "Other", 2: "Keyboard", 3: ""}
        self.configuration = 1
        self.kernel_driver_attached = True
        self.claimed = False

    def device_descriptor(self) -> _Descriptor:
        return _Descriptor(dict(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=8, idVendor=self.vendor_id,
            idProduct=self.product_id, bcdDevice=0x0100, iManufacturer=1, iProduct=2,
            iSerialNumber=0, bNumConfigurations=1, address=2, bus=1, port_number=1,
            port_numbers=(1,), speed=1))
