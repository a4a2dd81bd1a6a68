import threading

from offline_queue.store import open_store


def test_many_threads_opening_a_new_store_at_once_all_succeed(tmp_path):
    path = tmp_path / "payterm.db"
    errors, start = [], threading.Barrier(6)

    def opener():
        try:
            start.wait(5)
            open_store(path).conn.close()
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    db = open_store(path)
    names = [r[0] for r in db.execute("SELECT name FROM schema_migrations").fetchall()]
    assert len(names) == len(set(names)) and "journal_0001_create" in names
