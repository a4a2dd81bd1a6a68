"""ESC/POS receipt printing: pure encoder, links (serial, LAN, USB), status, profiles
from python-escpos' capability database, emulators.

Public entry points: ``encode_receipt`` (encoder), ``printer_from_settings``
(``printer_factory``: the configured ``EscPosPrinter``, which implements
``terminal.ports.printer.ReceiptPrinter``), ``get_profile`` / ``list_profiles``
(profiles), ``detect_baud`` and the emulators in ``drivers.printer.emulator``.
"""
