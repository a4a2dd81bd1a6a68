"""Fixtures of the back office's tests (a pytest plugin, loaded by tests/conftest.py so
the end-to-end tests share them): the SAME tests run against SQLite and against a real
PostgreSQL server (one per test session, a fresh database per test, copied from a
migrated template)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backoffice.faces.template_key import TemplateCipher
from backoffice.settings import BackofficeSettings
from backoffice.signing_keys import SigningKey, ensure_signing_key
from backoffice.storage.engine import open_engine
from backoffice.storage.migrate import upgrade
from tests.backoffice.harness import InProcessBackoffice, RawCaller, TerminalIdentity
from tests.backoffice.pg_server import PgServer

TEMPLATE_DB = "payterm_template"
_database_numbers = itertools.count(1)

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_server():
    server = PgServer().start()
    server.create_database(TEMPLATE_DB)
    engine = open_engine(server.url(TEMPLATE_DB), BackofficeSettings(), pool_size=1)
    upgrade(engine)
    engine.dispose()
    yield server
    server.close()


def fresh_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'backoffice.db'}"
        engine = open_engine(url, BackofficeSettings(), pool_size=1)
        upgrade(engine)
        engine.dispose()
        return url
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create_database(f"test_{next(_database_numbers)}", template=TEMPLATE_DB)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A migrated, empty back-office database on each backend."""
    return fresh_database(request.param, tmp_path, request)


@pytest.fixture(scope="session")
def bo_key(tmp_path_factory) -> SigningKey:
    folder = tmp_path_factory.mktemp("bo-keys")
    return ensure_signing_key(folder / "private.pem", folder / "public.pem")


@pytest.fixture(scope="session")
def key_pool() -> list[rsa.RSAPrivateKey]:
    """Terminal keys made once per session (RSA generation is the slow part)."""
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4)]


@pytest.fixture
def bo_settings() -> BackofficeSettings:
    return BackofficeSettings()


@pytest.fixture(scope="session")
def face_cipher() -> TemplateCipher:
    """The operator's face template key of the tests."""
    return TemplateCipher(bytes(range(32)))


@pytest.fixture
def backoffice(database_url, bo_settings, bo_key, face_cipher):
    server = InProcessBackoffice(database_url, bo_settings, bo_key, face_cipher=face_cipher)
    yield server
    server.stop()


@pytest.fixture
def terminal(backoffice, key_pool) -> TerminalIdentity:
    """T0001 of store S1, registered, with members M001 (100.00) and M002 (5.00)."""
    term = TerminalIdentity("T0001", "S1", key_pool[0])
    backoffice.register(term)
    backoffice.add_member("M001", 10_000)
    backoffice.add_member("M002", 500, phone="13900005678")
    return term


@pytest.fixture
def client(backoffice, terminal):
    with backoffice.client(terminal) as host_client:
        yield host_client


@pytest.fixture
def raw(backoffice, bo_key):
    caller = RawCaller(backoffice.url, bo_key)
    yield caller
    caller.close()
