"""Building the configured printer: ``printer.port`` picks the link (serial device,
``tcp://HOST:9100`` or ``usb://VID:PID``), ``printer.profile`` the model. The one place
that turns printer settings into a driver (kiosk, CLI, diagnostics)."""

from __future__ import annotations

from drivers.printer.encoder import EncodeOptions
from drivers.printer.escpos_printer import EscPosPrinter
from drivers.printer.links.link import ByteLink
from drivers.printer.links.serial_link import SerialLink
from drivers.printer.links.tcp_link import TcpLink
from drivers.printer.links.usb_link import UsbLink
from drivers.printer.profiles import PrinterProfile, get_profile
from terminal.settings.printer_port import PortKind, PrinterPort, parse_printer_port
from terminal.settings.printer_section import PrinterSettings


def build_link(port: PrinterPort, settings: PrinterSettings, *, baud: int | None = None,
               profile: PrinterProfile | None = None,
               usb_backend: object | None = None) -> ByteLink:
    """The link for a parsed port (nothing is opened yet)."""
    if port.kind is PortKind.TCP:
        return TcpLink(port.host, port.tcp_port, name=port.describe(),
                       connect_timeout_s=settings.connect_timeout_s,
                       keepalive_idle_s=settings.keepalive_idle_s,
                       latency_allowance_s=settings.lan_latency_ms / 1000,
                       ahead_bytes=2 * settings.chunk_bytes)
    if port.kind is PortKind.USB:
        return UsbLink(port.vendor_id, port.product_id, name=port.describe(),
                       backend=usb_backend)
    profile = profile or get_profile(settings.profile)
    return SerialLink(port.device, baud=baud or settings.baud, parity=profile.parity,
                      flow_control=profile.flow_control, ahead_bytes=2 * settings.chunk_bytes)


def printer_from_settings(settings: PrinterSettings, *, port: str | None = None,
                          profile: str | None = None, baud: int | None = None,
                          drawer_kick: bool | None = None,
                          usb_backend: object | None = None) -> EscPosPrinter:
    """The configured printer (arguments override single settings, e.g. CLI options).
    Raises ConfigError naming ``printer.port`` or ``printer.profile`` for a bad value;
    nothing is opened until the first status or print."""
    parsed = parse_printer_port(port if port is not None else settings.port)
    chosen = get_profile(profile or settings.profile)
    link = build_link(parsed, settings, baud=baud, profile=chosen, usb_backend=usb_backend)
    options = EncodeOptions(drawer_kick=settings.drawer_kick if drawer_kick is None
                            else drawer_kick, qr_link_template=settings.qr_link_template)
    return EscPosPrinter(link, chosen, status_timeout_ms=settings.status_timeout_ms,
                         write_timeout_s=settings.write_timeout_s,
                         chunk_bytes=settings.chunk_bytes, options=options,
                         confirm_print_end=settings.confirm_print_end,
                         print_end_timeout_s=settings.print_end_timeout_s,
                         release_when_idle=parsed.kind is PortKind.TCP)
