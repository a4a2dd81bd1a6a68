"""The same migrations build the same schema on both databases, match the metadata the
queries use, and are safe to run again and from several processes at once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backoffice.settings import BackofficeSettings
from backoffice.storage.engine import open_engine
from backoffice.storage.migrate import current_revision, head_revision, upgrade
from backoffice.storage.schema import metadata
from tests.backoffice.fixtures import BACKENDS, _database_numbers
from tests.backoffice.harness import REPO


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"empty_{next(_database_numbers)}")


def test_migrated_schema_matches_the_metadata(empty_url):
    engine = open_engine(empty_url, BackofficeSettings(), pool_size=1)
    try:
        result = upgrade(engine)
        assert (result.before, result.after) == (None, head_revision())
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        assert upgrade(engine).changed is False
    finally:
        engine.dispose()


def test_concurrent_migrations_apply_once(empty_url):
    code = ("import sys; from backoffice.storage.engine import open_engine; "
            "from backoffice.settings import BackofficeSettings; "
            "from backoffice.storage.migrate import upgrade; "
            "r = upgrade(open_engine(sys.argv[1], BackofficeSettings(), pool_size=1)); "
            "print(r.before, r.after)")
    processes = [subprocess.Popen([sys.executable, "-c", code, empty_url], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    befores = sorted(out.split()[0] for out, _ in outputs)
    head = head_revision()
    assert befores == [head, head, "None"]
    engine = open_engine(empty_url, BackofficeSettings(), pool_size=1)
    assert current_revision(engine) == head_revision()
    engine.dispose()
