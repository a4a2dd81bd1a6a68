"""One module per self-test; each exposes ``SPEC`` (a ``CheckSpec``)."""
