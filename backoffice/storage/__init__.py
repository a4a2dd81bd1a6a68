"""The back office's database: schema, engines for PostgreSQL and SQLite, transactions
with row locks and retries, and the Alembic migrations (one set for both dialects)."""
