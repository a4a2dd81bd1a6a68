"""Build the kiosk package, unpack it into a clean folder, install the wheel from it into
a fresh virtualenv there and run the packaged ``payterm diag --json`` headless.

The fresh venv gets this environment's already-installed dependencies through a path
file (CI has them; downloading PySide6 and onnxruntime again would take minutes), but
not this checkout: the test proves ``payterm`` runs from the packaged wheel.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deb(tmp_path_factory) -> Path:
    if not shutil.which("dpkg-deb"):
        pytest.skip("dpkg-deb is not installed")
    out = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT,
                         env={**os.environ, "PYTHON": sys.executable},
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    (package,) = (ROOT / "dist").glob("payterm_*_all.deb")
    return package


@pytest.fixture(scope="module")
def installed(deb, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kiosk-root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=60)
    target = root / "opt" / "payterm" / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    site = next((target / "lib").glob("python3*/site-packages"))
    # Dependencies from this environment, but not its editable checkout of payterm.
    (site / "payterm-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (wheel,) = (root / "usr" / "share" / "payterm" / "wheels").glob("payterm-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"),
                    "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=120)
    return root


def test_the_package_holds_the_kiosk_pieces(installed):
    for path in ("lib/systemd/system/payterm-kiosk.service", "lib/udev/rules.d/60-payterm.rules",
                 "etc/logrotate.d/payterm", "etc/payterm/payterm.toml",
                 "usr/lib/payterm/kiosk-session"):
        assert (installed / path).is_file(), path
    control = subprocess.run(["dpkg-deb", "-f", str(next((ROOT / "dist").glob("*.deb")))],
                             capture_output=True, text=True, check=True).stdout
    assert "Package: payterm" in control


def test_packaged_payterm_runs_diag_headless(installed, tmp_path):
    master, slave = pty.openpty()
    try:
        data = tmp_path / "data"
        python = installed / "opt/payterm/venv/bin/python"
        where = subprocess.run([str(python), "-c", "import ui; print(ui.__file__)"],
                               capture_output=True, text=True, check=True, cwd=tmp_path).stdout
        assert str(installed) in where, "payterm was not imported from the package"
        env = {"PATH": os.environ["PATH"], "PAYTERM_DATA_DIR": str(data),
               "PAYTERM__PRINTER__PORT": os.ttyname(slave),
               "PAYTERM__FACE__MODELS_DIR": str(ROOT.parent / "shared" / "models"),
               "PAYTERM__HOST__BASE_URL": "http://127.0.0.1:9/gateway.do",
               "QT_QPA_PLATFORM": "offscreen"}
        out = subprocess.run([str(installed / "opt/payterm/venv/bin/payterm"), "diag", "--json"],
                             env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    finally:
        os.close(master)
        os.close(slave)
    report = json.loads(out.stdout)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses["serial_ports"] == "pass"
    assert statuses["disk"] == "pass"
    assert statuses["host"] == "fail"               # nothing listens on port 9
    assert out.returncode == 1 == report["exit_code"]
