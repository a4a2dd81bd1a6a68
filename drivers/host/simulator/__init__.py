"""The payment host simulator: the host protocol over real HTTP on loopback, state in
SQLite, wallet behaviours chosen by the payment code, fault injection for tests.

Start it in-process with ``runner.start_simulator`` or as ``payterm host-sim``.
"""
