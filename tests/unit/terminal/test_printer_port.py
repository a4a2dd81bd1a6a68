"""``printer.port``: a serial device, tcp://HOST:9100 or usb://VID:PID, nothing else."""

from __future__ import annotations

import pytest

from terminal.errors import ConfigError
from terminal.settings.model import settings_from
from terminal.settings.printer_port import PortKind, parse_printer_port


@pytest.mark.parametrize("text,kind,fields", [
    ("/dev/ttyUSB0", PortKind.SERIAL, {"device": "/dev/ttyUSB0"}),
    ("/dev/payterm-printer", PortKind.SERIAL, {"device": "/dev/payterm-printer"}),
    ("tcp://192.168.1.87:9100", PortKind.TCP, {"host": "192.168.1.87", "tcp_port": 9100}),
    ("tcp://printer.local", PortKind.TCP, {"host": "printer.local", "tcp_port": 9100}),
    ("tcp://[fe80::1]:9101", PortKind.TCP, {"host": "fe80::1", "tcp_port": 9101}),
    ("usb://0416:5011", PortKind.USB, {"vendor_id": 0x0416, "product_id": 0x5011}),
    ("usb://0x04b8:0x0e15", PortKind.USB, {"vendor_id": 0x04B8, "product_id": 0x0E15}),
])
def test_the_three_forms(text, kind, fields):
    port = parse_printer_port(text)
    assert port.kind is kind
    for name, value in fields.items():
        assert getattr(port, name) == value


@pytest.mark.parametrize("text,words", [
    ("", "empty"), ("COM3", "absolute path"), ("ttyUSB0", "absolute path"),
    ("lpt://1", "unknown printer port scheme"), ("tcp://", "not a host name"),
    ("tcp://host:0", "1..65535"), ("tcp://host:99999", "1..65535"), ("tcp://host:abc", "1..65535"),
    ("tcp://fe80::1:9100", "brackets"), ("tcp://user@host:9100", "only HOST"),
    ("tcp://host/path", "only HOST"), ("tcp://[zz]:9100", "not an IPv6"),
    ("usb://0416", "usb://VID:PID"), ("usb://0416:50111", "usb://VID:PID"),
    ("usb://wxyz:5011", "usb://VID:PID"), ("usb://0000:5011", "never 0000"),
    (" /dev/ttyS0", "spaces"), ("/dev/tty\x1bS0", "control"),
])
def test_anything_else_is_refused_naming_the_setting(text, words):
    with pytest.raises(ConfigError) as info:
        parse_printer_port(text)
    assert info.value.key == "printer.port"
    assert words in str(info.value) and "tcp://HOST:9100" in str(info.value)


def test_a_bad_port_stops_the_settings_with_the_key():
    with pytest.raises(ConfigError) as info:
        settings_from({"printer": {"port": "http://printer"}}, {})
    assert info.value.key == "printer.port"
    with pytest.raises(ConfigError) as info:
        settings_from({}, {"PAYTERM__PRINTER__PORT": "usb://1:2:3"})
    assert info.value.key == "printer.port"


def test_an_unknown_model_stops_the_settings_with_the_key():
    with pytest.raises(ConfigError) as info:
        settings_from({"printer": {"profile": "TM-T1000"}}, {})
    assert info.value.key == "printer.profile"


def test_describe_gives_back_a_canonical_port():
    assert parse_printer_port("tcp://[::1]:9100").describe() == "tcp://[::1]:9100"
    assert parse_printer_port("usb://0x4B8:E15").describe() == "usb://04b8:0e15"
