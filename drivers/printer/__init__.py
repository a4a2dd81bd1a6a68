"""ESC/POS receipt printing: pure encoder, serial transport, status, profiles, emulator.

Public entry points: ``encode_receipt`` (encoder), ``SerialPrinter`` (transport,
implements ``terminal.ports.printer.ReceiptPrinter``), ``get_profile`` (profiles),
``detect_baud`` and ``PrinterEmulator`` (in ``drivers.printer.emulator``).
"""
