"""The fake pyusb backend behaves like libusb with a USB printer-class device."""

from __future__ import annotations

import errno

import pytest
import usb.core
import usb.util

from drivers.printer.emulator.usb_backend import FakeUsbBackend, FakeUsbPrinter
from drivers.printer.status_bytes import QUERY_ALL


@pytest.fixture
def bus():
    printer = FakeUsbPrinter(0x0416, 0x5011, out_address=0x03, in_address=0x81)
    backend = FakeUsbBackend(printer)
    backend.add_other(0x046D, 0xC31C)
    yield backend, printer
    backend.stop()


def test_pyusb_enumerates_descriptors_and_strings(bus):
    backend, _ = bus
    devices = list(usb.core.find(find_all=True, backend=backend))
    assert [(d.idVendor, d.idProduct) for d in devices] == [(0x0416, 0x5011), (0x046D, 0xC31C)]
    printer = devices[0]
    assert printer.manufacturer == "Winbond" and printer.product == "POS58 Printer USB"
    interface = printer[0][(0, 0)]
    assert (interface.bInterfaceClass, interface.bInterfaceProtocol) == (7, 2)
    addresses = sorted(ep.bEndpointAddress for ep in interface)
    assert addresses == [0x03, 0x81]
    assert all(usb.util.endpoint_type(ep.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
               for ep in interface)


def test_claiming_needs_the_kernel_driver_detached_first(bus):
    backend, fake = bus
    device = usb.core.find(idVendor=0x0416, backend=backend)
    assert device.is_kernel_driver_active(0)
    with pytest.raises(usb.core.USBError) as info:
        usb.util.claim_interface(device, 0)
    assert info.value.errno == errno.EBUSY
    device.detach_kernel_driver(0)
    usb.util.claim_interface(device, 0)
    assert fake.claimed


def test_bulk_out_prints_and_bulk_in_answers_status(bus):
    backend, fake = bus
    device = usb.core.find(idVendor=0x0416, backend=backend)
    device.detach_kernel_driver(0)
    usb.util.claim_interface(device, 0)
    assert device.write(0x03, QUERY_ALL, timeout=100) == len(QUERY_ALL)
    assert bytes(device.read(0x81, 64, timeout=200)) == b"\x12\x12\x12\x12"
    with pytest.raises(usb.core.USBTimeoutError):
        device.read(0x81, 64, timeout=20)                  # nothing more to say
    device.write(0x03, b"\x1b@hello\n\x1dV\x01", timeout=100)
    (receipt,) = fake.wait_for_receipts(1)
    assert receipt.lines == ["hello"] and receipt.cut
    fake.set_faults(paper_out=True)
    device.write(0x03, QUERY_ALL, timeout=100)
    assert bytes(device.read(0x81, 64, timeout=200))[1] & 0x20     # paper-out bit


def test_a_full_buffer_makes_the_bulk_write_time_out(bus):
    backend, fake = bus
    fake.mechanism.print_bytes_per_s = 0.001
    fake.mechanism.buffer_bytes = 256
    device = usb.core.find(idVendor=0x0416, backend=backend)
    device.detach_kernel_driver(0)
    usb.util.claim_interface(device, 0)
    with pytest.raises(usb.core.USBTimeoutError):
        device.write(0x03, b"A" * 1000, timeout=50)
    assert fake.mechanism.buffered() == 256


def test_unplugged_device_fails_with_no_device_and_vanishes_from_the_bus(bus):
    backend, fake = bus
    device = usb.core.find(idVendor=0x0416, backend=backend)
    device.detach_kernel_driver(0)
    usb.util.claim_interface(device, 0)
    fake.unplug()
    with pytest.raises(usb.core.USBError) as info:
        device.write(0x03, QUERY_ALL, timeout=100)
    assert info.value.errno == errno.ENODEV and info.value.backend_error_code == -4
    assert usb.core.find(idVendor=0x0416, backend=backend) is None
    fake.plug_in()
    again = usb.core.find(idVendor=0x0416, backend=backend)
    assert again is not None and again.address != device.address
    assert again.is_kernel_driver_active(0)                # usblp bound again


def test_power_cycle_fault_drops_the_device_for_boot_time(bus):
    backend, fake = bus
    fake.set_faults(power_cycle_after_bytes=5, boot_s=0.2)
    device = usb.core.find(idVendor=0x0416, backend=backend)
    device.detach_kernel_driver(0)
    usb.util.claim_interface(device, 0)
    with pytest.raises(usb.core.USBError) as info:
        device.write(0x03, b"\x1b@hello world\n", timeout=100)
    assert info.value.errno == errno.ENODEV
    assert usb.core.find(idVendor=0x0416, backend=backend) is None
    import time
    time.sleep(0.4)
    assert usb.core.find(idVendor=0x0416, backend=backend) is not None
    assert fake.mechanism.power_cycles == 1
