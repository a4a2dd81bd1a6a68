"""payterm-backoffice: the merchant's server that payterm terminals talk to.

It speaks the host protocol of docs/host.md (plus the round-2 additions) over HTTP,
keeps terminals, members, trades and offline records in PostgreSQL or SQLite, and is
stateless over its database so that several instances can run side by side.

Layers inside: ``storage`` (schema, migrations, transactions) <- ``registry``,
``members``, ``trades`` (the books) <- ``gateway`` (the protocol: envelope, identity,
dispatch, answers) <- ``http`` (Starlette) and ``cli`` (the command line). It shares
only ``terminal/`` (pure domain) and ``drivers/host/signing.py`` + ``wire.py`` with the
terminal; tests/test_layers.py holds it to that.
"""
