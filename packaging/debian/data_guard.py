"""payterm data guard: a verified copy of the database and keys before data can go.

Inlined by packaging/debian/render-scripts.sh into ``preinst`` (upgrade) and ``postrm``
(purge): at purge time the package's own files are already gone, so the code travels in
the maintainer scripts. Standard library only (the system's python3).

  data_guard.py upgrade DATA_DIR BACKUP_ROOT OLD_VERSION
      back up only when payments wait (unresolved or unsynced); keep the newest 5
      upgrade backups. Exit 1 (upgrade refused) when the copy cannot be made and verified.
  data_guard.py purge DATA_DIR BACKUP_ROOT [EXTRA_FILE...]
      always back up the database, keys and EXTRA_FILEs when there are any; warn about
      what still waits. Exit 1 (purge stops, data stays) unless the copy is verified.

A copy is verified when: the database copy passes ``PRAGMA integrity_check``, its file
size is its page count times page size, and every table has as many rows as the
original; every other file has the original's size and SHA-256; everything is fsynced.
"""

import hashlib
import os
import shutil
import sqlite3
import sys
import time

# The journal's states that need resolution or a person, and the outbox's unsynced ones
# (tests/packaging/test_data_guard.py keeps them equal to offline_queue's).
UNRESOLVED = ("created", "pending", "unknown", "resolving", "answer_inconsistent", "held")
UNSYNCED = ("pending", "dead")
KEEP_UPGRADE_BACKUPS = 5


class GuardError(Exception):
    pass


def waiting(db_path):
    """(unresolved payments, unsynced offline records); (-1, -1) if unreadable."""
    if not os.path.exists(db_path):
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            marks = ",".join("?" * len(UNRESOLVED))
            counts = (_count(conn, f"SELECT COUNT(*) FROM attempts WHERE state IN ({marks})",
                             UNRESOLVED),
                      _count(conn, "SELECT COUNT(*) FROM outbox WHERE state IN (?, ?)",
                             UNSYNCED))
        finally:
            conn.close()
        return counts
    except sqlite3.DatabaseError:
        return -1, -1


def _count(conn, sql, params=()):
    try:
        return conn.execute(sql, params).fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return 0
        raise


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _table_rows(conn):
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for name in names}


def copy_database(db_path, target_db):
    """SQLite backup API (a consistent snapshot, WAL included), then verify the copy."""
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        source.execute("BEGIN")             # the row counts and the copy see one snapshot
        expected = _table_rows(source)
        with sqlite3.connect(target_db) as copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()
    _fsync(target_db)
    check = sqlite3.connect(f"file:{target_db}?mode=ro", uri=True)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        pages = check.execute("PRAGMA page_count").fetchone()[0]
        page_size = check.execute("PRAGMA page_size").fetchone()[0]
        got = _table_rows(check)
    finally:
        check.close()
    if verdict != "ok":
        raise GuardError(f"the database copy failed its integrity check: {verdict}")
    if os.path.getsize(target_db) != pages * page_size:
        raise GuardError(f"the database copy is {os.path.getsize(target_db)} bytes, "
                         f"expected {pages * page_size}")
    if got != expected:
        raise GuardError(f"the database copy has other row counts: {got} != {expected}")


def copy_file(source, target):
    shutil.copy2(source, target)
    _fsync(target)
    if os.path.getsize(target) != os.path.getsize(source) or _sha256(target) != _sha256(source):
        raise GuardError(f"the copy of {source} differs from the original")


def copy_raw_database(db_path, target_dir):
    """An unreadable database is kept byte for byte (it may still be repairable)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            copy_file(db_path + suffix, os.path.join(target_dir, "payterm.db" + suffix))


def make_backup(data_dir, target, extra_files, note):
    db_path = os.path.join(data_dir, "payterm.db")
    os.makedirs(target, mode=0o700)
    if os.path.exists(db_path):
        try:
            copy_database(db_path, os.path.join(target, "payterm.db"))
        except sqlite3.DatabaseError as exc:
            if "full" in str(exc) or "I/O" in str(exc):
                raise GuardError(f"cannot write the database copy: {exc}") from None
            print(f"payterm: {db_path} cannot be read as a database ({exc}); "
                  "keeping it byte for byte", file=sys.stderr)
            copy_raw_database(db_path, target)
    keys = os.path.join(data_dir, "keys")
    if os.path.isdir(keys):
        os.makedirs(os.path.join(target, "keys"), mode=0o700)
        for name in sorted(os.listdir(keys)):
            if os.path.isfile(os.path.join(keys, name)):
                copy_file(os.path.join(keys, name), os.path.join(target, "keys", name))
    for extra in extra_files:
        if os.path.isfile(extra):
            copy_file(extra, os.path.join(target, os.path.basename(extra)))
    with open(os.path.join(target, "README.txt"), "w", encoding="utf-8") as readme:
        readme.write(note)
        readme.flush()
        os.fsync(readme.fileno())
    _fsync(target)
    _fsync(os.path.dirname(target))


def prune(backup_root, keep=KEEP_UPGRADE_BACKUPS):
    """Keep the newest ``keep`` upgrade backups; purge backups are never pruned."""
    names = sorted(name for name in os.listdir(backup_root) if "-from-" in name)
    for name in names[:-keep] if keep else names:
        shutil.rmtree(os.path.join(backup_root, name), ignore_errors=True)
        print(f"payterm: removed old upgrade backup {name} (keeping {keep})", file=sys.stderr)


def guarded_backup(data_dir, backup_root, target_name, extra_files, note):
    target = os.path.join(backup_root, target_name)
    try:
        os.makedirs(backup_root, mode=0o700, exist_ok=True)
        make_backup(data_dir, target, extra_files, note)
    except (OSError, sqlite3.Error, GuardError) as exc:
        shutil.rmtree(target, ignore_errors=True)   # a partial copy must not look like one
        raise GuardError(f"the backup to {target} failed: {exc}") from None
    return target


def what_waits(unresolved, unsynced):
    if unresolved < 0:
        return "a database that cannot be read"
    return f"{unresolved} unresolved payments and {unsynced} unsynced offline records"


def upgrade(data_dir, backup_root, old_version):
    unresolved, unsynced = waiting(os.path.join(data_dir, "payterm.db"))
    if unresolved == 0 and unsynced == 0:
        return 0
    stamp = time.strftime("%Y%m%d-%H%M%S")
    note = (f"payterm backup before upgrading from {old_version}: "
            f"{what_waits(unresolved, unsynced)}.\nRestore: stop payterm-kiosk, copy "
            f"payterm.db and keys/ back into {data_dir} (owner payterm, keys 0700/0600).\n")
    try:
        target = guarded_backup(data_dir, backup_root, f"{stamp}-from-{old_version}", [], note)
    except GuardError as exc:
        print(f"payterm: REFUSING TO UPGRADE: {what_waits(unresolved, unsynced)} are "
              f"waiting, and {exc}. Bring the terminal online until "
              "`payterm diag --only queue` shows nothing waiting, or free space for the "
              "backup, then upgrade again.", file=sys.stderr)
        return 1
    print(f"payterm: {what_waits(unresolved, unsynced)} are waiting; database and keys "
          f"backed up (verified) to {target}", file=sys.stderr)
    prune(backup_root)
    return 0


def purge(data_dir, backup_root, extra_files):
    db_path = os.path.join(data_dir, "payterm.db")
    keys = os.path.join(data_dir, "keys")
    if not os.path.exists(db_path) and not (os.path.isdir(keys) and os.listdir(keys)):
        return 0
    unresolved, unsynced = waiting(db_path)
    if unresolved or unsynced:
        print(f"payterm: WARNING: purging a terminal with {what_waits(unresolved, unsynced)}"
              ". They are kept in the backup below; restore it on a terminal to forward "
              "them.", file=sys.stderr)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    note = (f"payterm: last copy before purge at {stamp}: "
            f"{what_waits(unresolved, unsynced)}.\nRestore: install payterm, stop "
            f"payterm-kiosk, copy payterm.db and keys/ into {data_dir} (owner payterm, "
            "keys 0700/0600) and payterm.toml into /etc/payterm.\n")
    try:
        target = guarded_backup(data_dir, backup_root, f"purged-{stamp}", extra_files, note)
    except GuardError as exc:
        print(f"payterm: PURGE STOPPED, nothing deleted: {exc}. {data_dir} still holds "
              f"{what_waits(unresolved, unsynced)}. Free space in {backup_root} (or copy "
              f"{data_dir} elsewhere yourself and delete it), then purge again.",
              file=sys.stderr)
        return 1
    print(f"payterm: database and keys copied and verified in {target}", file=sys.stderr)
    return 0


def main(argv):
    if len(argv) >= 4 and argv[0] == "upgrade":
        return upgrade(argv[1], argv[2], argv[3])
    if len(argv) >= 3 and argv[0] == "purge":
        return purge(argv[1], argv[2], argv[3:])
    print("usage: data_guard.py upgrade DATA BACKUPS OLD_VERSION | "
          "purge DATA BACKUPS [FILE...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
