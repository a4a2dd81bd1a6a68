"""A full disk fails closed (issue 11, point 6 first item; issue 12 point 3).

The journal lives on a real, tiny tmpfs that is filled to the last byte: the pay attempt
cannot be recorded, so nothing goes to the host, and the error says the disk is full
(StorageFull, bilingual), not "database damaged"."""

import pytest

from offline_queue.journal import SqliteJournal
from offline_queue.store import open_store
from terminal.errors import StorageFull, StoreCorrupt
from tests.hostile.conftest import Terminal, terminal_settings
from tests.real_faults import fill, small_file_system


def test_no_payment_reaches_the_host_when_its_journal_write_fails(proxy, keys_dir, sim,
                                                                  tmp_path):
    with small_file_system(tmp_path / "fs", size_kb=1024) as fs:
        terminal = Terminal(terminal_settings(proxy.url), keys_dir, fs / "payterm.db")
        try:
            first = terminal.pay(1000)
            assert first.state.value == "approved"
            seen = len(proxy.methods_seen())
            filler = fill(fs)
            for amount in (2000, 3000):
                with pytest.raises(StorageFull) as caught:
                    terminal.pay(amount)
                message = str(caught.value)
                assert "存储空间已满" in message and "Storage full" in message
                assert "payterm.db" in message
                assert "存储空间已满" in caught.value.user_message
            assert len(proxy.methods_seen()) == seen       # nothing was sent
            charged = [c["out_trade_no"] for c in sim.ledger.charges()]
            assert charged == [first.attempt.out_trade_no]
            filler.unlink()
            assert terminal.pay(4000).state.value == "approved"
        finally:
            terminal.close()


def test_a_full_disk_at_start_up_is_not_reported_as_damage(tmp_path):
    with small_file_system(tmp_path / "fs", size_kb=1024) as fs:
        journal = SqliteJournal.open(fs / "payterm.db")
        journal.close()
        fill(fs)
        try:
            db = open_store(fs / "payterm.db", check_integrity=True)
        except StoreCorrupt as exc:      # what main said on a full disk
            pytest.fail(f"a full disk reported as damage: {exc}")
        except StorageFull as exc:
            assert "Storage full" in str(exc)
        else:                            # opening needed no space: a write must say full
            with pytest.raises(StorageFull):
                from offline_queue.store import transaction
                with transaction(db):
                    db.execute("CREATE TABLE filler_check (x BLOB)")
                    db.execute("INSERT INTO filler_check VALUES (zeroblob(200000))")
            db.conn.close()


def test_a_write_the_kernel_refuses_fails_closed_without_mount_rights(tmp_path, keys_dir):
    """Where no tmpfs can be mounted: a file-size limit (RLIMIT_FSIZE) makes the kernel
    refuse the journal's write (EFBIG); the payment raises and no byte reaches the host
    (a real listening socket that must see no connection)."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path
    script = textwrap.dedent(f"""
        import resource, signal, socket, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from pathlib import Path
        from terminal.errors import QueueError
        from tests.hostile.conftest import Terminal, code, terminal_settings
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        url = "http://127.0.0.1:%d/gateway.do" % listener.getsockname()[1]
        terminal = Terminal(terminal_settings(url), Path({str(keys_dir)!r}),
                            Path({str(tmp_path / "payterm.db")!r}))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))
        try:
            terminal.pay(1000)
        except QueueError as exc:
            print("refused:", type(exc).__name__)
        else:
            print("PAID")
        try:
            listener.accept()
            print("CONNECTED")
        except BlockingIOError:
            print("nothing sent")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert lines[0].startswith("refused:") and "nothing sent" in lines, done.stdout
