"""Ports: one module per role (host, journal, printer, camera, scanner, face).

Import from the role's module, e.g. ``from terminal.ports.host import PaymentHost``.
"""
