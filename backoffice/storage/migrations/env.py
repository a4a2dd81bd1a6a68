"""Alembic's entry point for the back office. Always run through
``backoffice.storage.migrate`` with an open connection inside a transaction (so the
whole upgrade commits or nothing does, and concurrent starts wait for each other)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `payterm-backoffice migrate`")

context.configure(connection=connection, target_metadata=None,
                  render_as_batch=connection.dialect.name == "sqlite",
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
