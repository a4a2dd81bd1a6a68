"""``make_data_dir_private``: umask 077, data directory 0700, payterm's files 0600;
a shared folder (sticky, like /tmp) given as the data directory is not taken over."""

import os
import stat

import pytest

from ui.composition.private_files import make_data_dir_private


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(autouse=True)
def keep_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_data_dir_and_payterm_files_become_private(tmp_path):
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "keys").mkdir()
    os.chmod(data, 0o755)
    for path in (data / "payterm.db", data / "payterm.db-wal", data / "logs" / "payterm.log"):
        path.write_bytes(b"x")
        os.chmod(path, 0o644)
    (data / "keys" / "terminal_public.pem").write_text("public")
    os.chmod(data / "keys" / "terminal_public.pem", 0o644)
    changed = make_data_dir_private(data)
    assert mode(data) == 0o700 and mode(data / "payterm.db") == 0o600
    assert mode(data / "payterm.db-wal") == 0o600
    assert mode(data / "logs" / "payterm.log") == 0o600
    assert mode(data / "keys" / "terminal_public.pem") == 0o644     # keys: checked, not fixed
    assert data / "payterm.db" in changed
    assert os.umask(0o022) == 0o077                                   # the process umask
    made = data / "new.txt"
    os.umask(0o077)
    made.write_text("y")
    assert mode(made) == 0o600


def test_a_shared_sticky_folder_is_not_taken_over(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    other = shared / "someone-elses.txt"
    other.write_text("z")
    os.chmod(other, 0o644)
    (shared / "payterm.db").write_bytes(b"x")
    os.chmod(shared / "payterm.db", 0o644)
    make_data_dir_private(shared)
    assert mode(shared) == 0o1777 and mode(other) == 0o644
    assert mode(shared / "payterm.db") == 0o600
