"""How bytes reach a printer: serial (pyserial), LAN raw port (TCP) and USB (pyusb).
Each link only moves bytes, with a deadline on every wait; ``EscPosPrinter`` builds
status, chunking and print-end confirmation on top of any of them."""
