"""The POS side of the Terminal API: a small client a POS developer can copy
(``client.py``, docs/pos-api.md), used by ``payterm pos-sim``."""
