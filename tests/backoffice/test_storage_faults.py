"""The database misbehaving under the back office: PostgreSQL restarted in the middle
of batches, the database's disk full (a file-size limit on the database's files, on
PostgreSQL and on SQLite), the back office killed mid-batch and the batch sent again.
Every time: a clear signed answer, nothing booked twice, nothing lost."""

from __future__ import annotations

import os
import random
import resource
import signal
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from backoffice.members.accounts import ledger_total, list_members
from backoffice.settings import BackofficeSettings
from backoffice.storage.engine import open_engine
from backoffice.storage.migrate import upgrade
from backoffice.storage.schema import trades
from terminal.errors import HostError, OutcomeUnknown
from terminal.host_batch_messages import BatchOutcome, OfflineRecord, OfflineTender
from tests.backoffice.harness import (InProcessBackoffice, ServeProcess, TerminalIdentity,
                                      in_transaction, terminal_client)
from tests.backoffice.pg_server import PgServer

pytestmark = pytest.mark.timeout(300)
MEMBERS = [f"M{n:03d}" for n in range(10)]
OPENING_FEN = 1_000_000


def records(prefix: str, count: int, *, pad: int = 40) -> list[OfflineRecord]:
    now = time.time()
    rng = random.Random(prefix)
    out = []
    for n in range(count):
        member = rng.random() < 0.7
        out.append(OfflineRecord(
            out_trade_no=f"{prefix}{n:05d}", amount_fen=rng.randint(1, 3000),
            tender=OfflineTender.MEMBER if member else OfflineTender.CASH,
            member_id=rng.choice(MEMBERS) if member else "", created_at_epoch_s=now - 30,
            terminal_id="T0001", subject="离线", evidence={"pad": "p" * pad}))
    return out


def seed(engine_url: str, terminal: TerminalIdentity) -> None:
    from backoffice.members.accounts import add_member
    from backoffice.registry.terminals import add_terminal
    engine = open_engine(engine_url, BackofficeSettings(), pool_size=1)
    upgrade(engine)

    def work(conn, now):
        add_terminal(conn, terminal.terminal_id, terminal.store_id, terminal.public_pem, now)
        for member in MEMBERS:
            add_member(conn, member, "13800001234", OPENING_FEN, "S1", now)
    in_transaction(engine, work)
    engine.dispose()


def send_until_answered(client, batch: list[OfflineRecord], deadline_s: float = 120) -> tuple:
    """Send the same batch until it gets per-record results; count the failures."""
    failures = 0
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            return client.upload_offline_batch(batch), failures
        except HostError:
            failures += 1
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def check_books(url: str, sent: list[OfflineRecord], results: dict[str, BatchOutcome]) -> None:
    """Every record booked exactly once; every balance = opening - accepted pays; every
    ledger adds up to its balance."""
    engine = open_engine(url, BackofficeSettings(), pool_size=1)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(trades.c.out_trade_no, trades.c.state,
                                          trades.c.amount_fen, trades.c.member_id)
                                .where(trades.c.terminal_id == "T0001")).all()
            members = {m.member_id: m.balance_fen for m in list_members(conn)}
            ledgers = {m: ledger_total(conn, m) for m in members}
    finally:
        engine.dispose()
    by_number = {r.out_trade_no: r for r in rows}
    assert len(by_number) == len(rows) == len({r.out_trade_no for r in sent})
    assert set(results) == set(by_number)
    assert all(o in (BatchOutcome.ACCEPTED, BatchOutcome.DUPLICATE, BatchOutcome.DECLINED)
               for o in results.values())
    expected = {m: OPENING_FEN for m in MEMBERS}
    for record in sent:
        row = by_number[record.out_trade_no]
        assert row.amount_fen == record.amount_fen
        if record.tender is OfflineTender.MEMBER and row.state == "TRADE_SUCCESS":
            expected[record.member_id] -= record.amount_fen
    assert members == expected
    assert ledgers == expected


@pytest.mark.postgres
def test_postgres_restarted_mid_batch(tmp_path, bo_key, key_pool, caplog):
    caplog.set_level("INFO", logger="backoffice")
    server = PgServer().start()
    try:
        server.create_database("faults")
        url = server.url("faults")
        terminal = TerminalIdentity("T0001", "S1", key_pool[0])
        seed(url, terminal)
        backoffice = InProcessBackoffice(url, BackofficeSettings(request_deadline_s=2.0), bo_key)
        sent: list[OfflineRecord] = []
        results: dict[str, BatchOutcome] = {}
        in_flight = threading.Event()
        hits = []
        done = threading.Event()

        def restarter() -> None:
            # A batch is fast, so a restart at a random moment often lands between
            # batches. Make the cut certain: hold a lock that blocks the batch's writes,
            # wait until the back office's transaction is queued behind it, then restart.
            while not done.is_set():
                if not in_flight.wait(30) or done.is_set():
                    return
                if cut_mid_transaction():
                    hits.append(in_flight.is_set())
                    time.sleep(0.5)

        def cut_mid_transaction() -> bool:
            try:
                locker = server.connect("faults")
            except Exception:
                time.sleep(0.2)              # still starting after the last restart
                return False
            try:
                locker.execute("BEGIN")
                locker.execute("LOCK TABLE trades IN EXCLUSIVE MODE")
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and in_flight.is_set():
                    waiting = locker.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                        "'Lock' AND pid <> pg_backend_pid()").fetchone()[0]
                    if waiting:
                        server.restart("immediate")
                        return True
                    time.sleep(0.005)
                return False
            finally:
                try:
                    locker.close()
                except Exception:
                    pass

        thread = threading.Thread(target=restarter)
        thread.start()
        failures = 0
        try:
            with backoffice.client(terminal, read_timeout_s=20) as client:
                for n in range(40):
                    batch = records(f"R{n:02d}", 300)
                    sent += batch
                    in_flight.set()
                    answers, failed = send_until_answered(client, batch)
                    in_flight.clear()
                    failures += failed
                    results.update({a.out_trade_no: a.outcome for a in answers})
                    if len(hits) >= 2 and n >= 3:
                        break
        finally:
            done.set()
            in_flight.set()
            thread.join(60)
            backoffice.stop()
        assert len(hits) >= 2 and all(hits)          # restarted while a batch was sent
        # Each cut shows either as a failed send (20000 / unknown: the terminal sends again)
        # or as a transaction the back office retried on a new connection.
        retried = [r for r in caplog.records
                   if r.getMessage().startswith(("transaction retried", "database unavailable"))]
        assert failures + len(retried) >= 1
        check_books(url, sent, results)
    finally:
        server.close()


@pytest.mark.postgres
def test_postgres_disk_full(tmp_path, bo_key, key_pool):
    limit = 24 * 1024 * 1024
    server = PgServer(file_size_limit_bytes=limit).start()
    try:
        server.create_database("full")
        url = server.url("full")
        terminal = TerminalIdentity("T0001", "S1", key_pool[0])
        seed(url, terminal)
        fill_trades(server, "full", limit - 2 * 1024 * 1024)
        backoffice = InProcessBackoffice(url, BackofficeSettings(), bo_key)
        sent: list[OfflineRecord] = []
        results: dict[str, BatchOutcome] = {}
        refused = None
        try:
            with backoffice.client(terminal) as client:
                for n in range(100):                  # ~150 KB of trades per batch
                    batch = records(f"F{n:03d}", 200, pad=250)
                    try:
                        answers = client.upload_offline_batch(batch)
                    except OutcomeUnknown as exc:
                        refused = (batch, str(exc))
                        break
                    sent += batch
                    results.update({a.out_trade_no: a.outcome for a in answers})
        finally:
            backoffice.stop()
        assert refused is not None, "the file-size limit was never reached"
        assert "20000" in refused[1] or "system error" in refused[1]
        check_books(url, sent, results)               # the refused batch booked nothing
        server.stop()
        server._file_size_limit = None               # space freed: the operator fixed it
        server.start()
        backoffice = InProcessBackoffice(url, BackofficeSettings(), bo_key)
        try:
            with backoffice.client(terminal) as client:
                answers = client.upload_offline_batch(refused[0])
        finally:
            backoffice.stop()
        sent += refused[0]
        results.update({a.out_trade_no: a.outcome for a in answers})
        assert {a.outcome for a in answers} <= {BatchOutcome.ACCEPTED, BatchOutcome.DECLINED}
        check_books(url, sent, results)
    finally:
        server.close()


def fill_trades(server: PgServer, database: str, size_bytes: int) -> None:
    """Fill the trades table's file (another terminal's old trades) up to about
    ``size_bytes``, so the file-size limit is near."""
    with server.connect(database) as conn:
        conn.execute("INSERT INTO terminals (terminal_id, store_id, status, public_key_pem, "
                     "key_fingerprint, created_at) VALUES ('T0999', 'S1', 'disabled', '', "
                     "'filler', 0)")
        while True:
            size = conn.execute("SELECT pg_relation_size('trades')").fetchone()[0]
            if size >= size_bytes:
                return
            conn.execute(
                "INSERT INTO trades (terminal_id, out_trade_no, trade_no, store_id, tender, "
                "amount_fen, state, subject, evidence, created_at, received_at, updated_at, "
                "bill_day) SELECT 'T0999', 'FILL' || i || '-' || md5(random()::text), "
                "md5(random()::text), 'S1', 'cash', 1, 'TRADE_SUCCESS', repeat('s', 250), "
                "repeat('e', 1500), 1, 1, 1, '2020-01-01' "
                "FROM generate_series(1, 2000) AS i")


def _fill_sqlite(url: str, rows: int) -> None:
    engine = open_engine(url, BackofficeSettings(), pool_size=1)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS filler (pad TEXT)"))
        conn.execute(sa.text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                             "WHERE i < :rows) INSERT INTO filler SELECT hex(randomblob(500)) "
                             "FROM n"), {"rows": rows})
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def test_sqlite_disk_full(tmp_path, bo_key, key_pool):
    data_dir = tmp_path / "bo"
    (data_dir / "keys").mkdir(parents=True)
    for name, pem in (("backoffice_private.pem", bo_key.private_key),):
        from cryptography.hazmat.primitives import serialization
        path = data_dir / "keys" / name
        path.write_bytes(pem.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        path.chmod(0o600)
    db = data_dir / "backoffice.db"
    url = f"sqlite:///{db}"
    terminal = TerminalIdentity("T0001", "S1", key_pool[0])
    seed(url, terminal)
    _fill_sqlite(url, 4000)                          # ~4 MB already in the file
    limit = db.stat().st_size + 256 * 1024

    def file_size_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    serve = ServeProcess(data_dir, url, preexec=file_size_limit)
    sent: list[OfflineRecord] = []
    results: dict[str, BatchOutcome] = {}
    refused = None
    try:
        with terminal_client(serve.url, terminal, bo_key) as client:
            for n in range(200):
                batch = records(f"Q{n:03d}", 100, pad=250)
                try:
                    answers = client.upload_offline_batch(batch)
                except OutcomeUnknown as exc:
                    refused = (batch, str(exc))
                    break
                sent += batch
                results.update({a.out_trade_no: a.outcome for a in answers})
    finally:
        serve.stop()
    assert refused is not None, "the file-size limit was never reached"
    assert "full" in serve.tail() or "cannot write" in serve.tail()
    check_books(url, sent, results)
    serve = ServeProcess(data_dir, url)                # the disk has room again
    try:
        with terminal_client(serve.url, terminal, bo_key) as client:
            answers = client.upload_offline_batch(refused[0])
            again = client.upload_offline_batch(sent[:100])
    finally:
        serve.stop()
    sent += refused[0]
    results.update({a.out_trade_no: a.outcome for a in answers})
    assert {a.outcome for a in again} <= {BatchOutcome.DUPLICATE, BatchOutcome.DECLINED}
    check_books(url, sent, results)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def test_batch_resent_after_the_back_office_was_killed(backend, request, tmp_path, bo_key,
                                                       key_pool):
    data_dir = tmp_path / "bo"
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'backoffice.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"kill_{os.getpid()}")
    terminal = TerminalIdentity("T0001", "S1", key_pool[0])
    seed(url, terminal)
    sent: list[OfflineRecord] = []
    results: dict[str, BatchOutcome] = {}
    kills = 0
    rng = random.Random(7)
    # How long one batch takes on this machine now (load varies a lot): the kills below
    # land inside that time, so they cut the batch rather than before or after it.
    serve = ServeProcess(data_dir, url)
    key = serve_key(data_dir)
    warm_up = records("KW", 500)
    sent += warm_up
    with terminal_client(serve.url, terminal, key, read_timeout_s=30) as client:
        started = time.monotonic()
        results.update({a.out_trade_no: a.outcome
                        for a in client.upload_offline_batch(warm_up)})
        batch_s = time.monotonic() - started
    serve.stop()
    for round_no in range(3):
        serve = ServeProcess(data_dir, url)
        batch = records(f"K{round_no}", 500)
        sent += batch
        with terminal_client(serve.url, terminal, key, read_timeout_s=30) as client:
            victim = serve.process.pid
            killer = threading.Timer(batch_s * rng.uniform(0.2, 0.7),
                                     lambda pid=victim: os.killpg(pid, signal.SIGKILL))
            killer.start()
            try:
                answers = client.upload_offline_batch(batch)
                results.update({a.out_trade_no: a.outcome for a in answers})
            except HostError:
                kills += 1                            # killed before it answered
            killer.join()
        serve.stop()
        serve = ServeProcess(data_dir, url)            # back after the crash
        with terminal_client(serve.url, terminal, key) as client:
            answers = client.upload_offline_batch(batch)        # the terminal resends
        serve.stop()
        results.update({a.out_trade_no: a.outcome for a in answers})
    assert kills >= 1
    check_books(url, sent, results)


def serve_key(data_dir: Path):
    from backoffice.locations import Locations
    from backoffice.signing_keys import ensure_signing_key
    locations = Locations(data_dir)
    return ensure_signing_key(locations.private_key, locations.public_key)
