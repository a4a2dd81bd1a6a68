"""Key files and the data directory are private (issue 11, point 6), through ``payterm``
run as a process: a terminal private key readable by others stops start-up with the
file and the chmod to run (on main it was used silently); the data directory becomes
0700 and the store, logs and wire captures 0600."""

from __future__ import annotations

import json
import os
import stat

from tests.hostile.test_terminal_identity import pay, payterm, setup  # noqa: F401


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_private_key_readable_by_others_stops_the_payment(setup):  # noqa: F811
    data, config, sim = setup
    key = data / "keys" / "terminal_private.pem"
    os.chmod(key, 0o644)
    refused = pay(data, config, "1.00")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert str(key) in refused.stderr and f"chmod 600 {key}" in refused.stderr
    assert "host.private_key_file" in refused.stderr
    assert sim.ledger.charges() == []
    os.chmod(key, 0o640)                                  # group-readable is not private
    assert pay(data, config, "1.00").returncode == 3
    os.chmod(key, 0o600)
    done = pay(data, config, "1.00")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["state"] == "approved"


def test_the_data_directory_and_its_files_are_private(setup):  # noqa: F811
    data, config, _sim = setup
    done = pay(data, config, "2.00")
    assert done.returncode == 0, done.stdout + done.stderr
    os.chmod(data, 0o755)                                 # as an older version left it
    for path in data.glob("payterm.db*"):
        os.chmod(path, 0o644)
    listing = payterm(data, config, "journal", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    assert mode(data) == 0o700
    stored = list(data.glob("payterm.db*")) + list(data.rglob("*.log"))
    assert stored and all(mode(p) & 0o077 == 0 for p in stored), \
        {str(p): oct(mode(p)) for p in stored}
    assert mode(data / "keys" / "terminal_private.pem") == 0o600


def test_files_made_by_a_run_are_0600_whatever_the_callers_umask(setup):  # noqa: F811
    data, config, _sim = setup
    old = os.umask(0o022)
    try:
        done = pay(data, config, "3.00")        # the first: it creates the store
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    made = [p for p in data.rglob("*") if p.is_file() and p.suffix != ".pem"]
    assert made and all(mode(p) & 0o077 == 0 for p in made), \
        {str(p): oct(mode(p)) for p in made}
