"""The technician PIN lockout fails closed (issue 11, point 4): when the attempt cannot
be recorded (disk full, read-only, file-size limit) no PIN unlocks, the right one
included, so a full disk never gives unlimited guesses. Real kernel faults, no mocks."""

import json
import subprocess
import sys
import textwrap

from tests.real_faults import fill, read_only, read_write, small_file_system
from ui.technician_pin import TechnicianPin

PIN, WRONG = "246810", "000000"


def store(path):
    return TechnicianPin(path, max_failures=3, lockout_s=300, clock=lambda: 1000.0)


def test_full_disk_refuses_every_pin_and_guesses_are_not_free(tmp_path):
    with small_file_system(tmp_path / "fs") as fs:
        pins = store(fs / "pin")
        pins.set_pin(PIN)
        filler = fill(fs)
        for _ in range(10):                       # unlimited guesses on main
            check = pins.verify(WRONG)
            assert not check.ok and check.store_failed
        refused = pins.verify(PIN)
        assert not refused.ok and refused.store_failed
        assert "cannot be recorded" in refused.message()
        assert not (fs / "pin.tmp").exists()
        filler.unlink()
        assert pins.verify(PIN).ok                # space again: works again
        assert json.loads((fs / "pin").read_text())["failures"] == 0


def test_read_only_store_refuses_every_pin(tmp_path):
    with small_file_system(tmp_path / "fs") as fs:
        pins = store(fs / "pin")
        pins.set_pin(PIN)
        read_only(fs)
        try:
            assert pins.verify(WRONG).store_failed
            assert pins.verify(PIN).store_failed
        finally:
            read_write(fs)
        assert pins.verify(PIN).ok


def test_lockout_counts_each_attempt_before_comparing(tmp_path):
    pins = store(tmp_path / "pin")
    pins.set_pin(PIN)
    assert pins.verify(WRONG).attempts_left == 2
    assert json.loads((tmp_path / "pin").read_text())["failures"] == 1
    assert pins.verify(PIN).ok
    assert json.loads((tmp_path / "pin").read_text())["failures"] == 0
    pins.verify(WRONG), pins.verify(WRONG)
    assert pins.verify(WRONG).locked_for_s == 300
    assert not pins.verify(PIN).ok


def test_file_size_limit_refuses_every_pin(tmp_path):
    """Without mount rights: RLIMIT_FSIZE makes the kernel refuse the write (EFBIG)."""
    store(tmp_path / "pin").set_pin(PIN)
    script = textwrap.dedent(f"""
        import resource, signal, sys
        sys.path.insert(0, {str(__import__('pathlib').Path.cwd())!r})
        from ui.technician_pin import TechnicianPin
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))
        pins = TechnicianPin({str(tmp_path / 'pin')!r}, max_failures=3, clock=lambda: 1000.0)
        print([pins.verify({WRONG!r}).store_failed for _ in range(5)],
              pins.verify({PIN!r}).ok)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[True,", "True,", "True,", "True,", "True]", "False"]
    assert store(tmp_path / "pin").verify(PIN).ok
