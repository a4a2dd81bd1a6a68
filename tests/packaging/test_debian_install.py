"""The kiosk package installed with apt into a clean minimal Debian root, as a field
technician would, then used, upgraded, removed and purged with unsynced data.

Stage 2 of ``./dev.sh test`` (marker ``install``): needs root, debootstrap, lintian and
the Debian archive this machine's apt uses (tests/packaging/debian_root.py caches the
root and the downloaded .debs). The steps run in file order on one root; each step's
duration is printed at the end and written to dist/install-timings.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.packaging import debian_root

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
UNIT = PACKAGING / "systemd" / "payterm-kiosk.service"
VENV_PAYTERM = "/opt/payterm/venv/bin/payterm"
UPGRADE_VERSION_SUFFIX = "+upgradetest1"

pytestmark = [
    pytest.mark.install,
    # One test's limit covers the module's fixtures too (the build, the root, apt).
    pytest.mark.timeout(3600),
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (debootstrap, chroot, mounts)"),
    pytest.mark.skipif(not (shutil.which("debootstrap") and shutil.which("lintian")),
                       reason="needs debootstrap and lintian (./dev.sh setup installs them)"),
]

TIMINGS: dict[str, float] = {}


@contextmanager
def step(name: str):
    started = time.monotonic()
    try:
        yield
    finally:
        TIMINGS[name] = round(time.monotonic() - started, 1)


@pytest.fixture(scope="module", autouse=True)
def report_timings():
    started = time.monotonic()
    yield
    TIMINGS["total"] = round(time.monotonic() - started, 1)
    (ROOT / "dist").mkdir(exist_ok=True)
    (ROOT / "dist" / "install-timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")
    print("\ninstall test, seconds per step: " + json.dumps(TIMINGS), file=sys.stderr)


@pytest.fixture(scope="module")
def deb() -> Path:
    with step("build --wheelhouse"):
        out = subprocess.run(["nice", "-n", "10", "bash", str(PACKAGING / "build.sh"),
                              "--wheelhouse"], cwd=ROOT,
                             env={**os.environ, "PYTHON": sys.executable},
                             capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    (package,) = (ROOT / "dist").glob("payterm_*_amd64.deb")
    return package


@pytest.fixture(scope="module")
def upgrade_deb(deb, tmp_path_factory) -> Path:
    """The same package with a newer version (repacked: building again takes minutes)."""
    work = tmp_path_factory.mktemp("upgrade-deb")
    tree = work / "tree"
    with step("repack as upgrade"):
        subprocess.run(["dpkg-deb", "-R", str(deb), str(tree)], check=True, timeout=600)
        control = tree / "DEBIAN" / "control"
        text = control.read_text()
        version = re.search(r"^Version: (\S+)$", text, re.M).group(1)
        control.write_text(text.replace(f"Version: {version}",
                                        f"Version: {version}{UPGRADE_VERSION_SUFFIX}"))
        target = work / f"payterm_{version}{UPGRADE_VERSION_SUFFIX}_amd64.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build",
                        str(tree), str(target)], check=True, timeout=600,
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(tree)
    return target


@pytest.fixture(scope="module")
def kiosk(deb, tmp_path_factory):
    where = tmp_path_factory.mktemp("debian-root") / "root"
    with step("fresh root + apt-get update"):
        context = debian_root.fresh_root(where)
        root = context.__enter__()
    try:
        shutil.copy(deb, where / "tmp" / deb.name)
        yield root
    finally:
        context.__exit__(None, None, None)
        debian_root.remove_root(where)


def unit_environment(root, **extra: str) -> dict[str, str]:
    """The environment systemd gives the kiosk unit's processes."""
    uid = root.run("id", "-u", "payterm").stdout.strip()
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOME": "/var/lib/payterm", "USER": "payterm", "LOGNAME": "payterm",
           "XDG_RUNTIME_DIR": f"/run/user/{uid}", "LANG": "C.UTF-8"}
    for line in UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            key, value = line.split("=", 1)[1].split("=", 1)
            env[key] = value
    env.update(extra)
    return env


def unit_setting(key: str) -> str:
    for line in UNIT.read_text().splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1].strip()
    raise KeyError(key)


def as_service(root, *argv: str, timeout: float = 120, **env: str):
    """argv as user payterm the way the unit runs it: its working directory and umask."""
    root.run("install", "-d", "-o", "payterm", "-g", "payterm", "-m", "0700",
             unit_environment(root)["XDG_RUNTIME_DIR"])
    script = (f'cd {unit_setting("WorkingDirectory")} && umask {unit_setting("UMask")} '
              '&& exec "$@"')
    return root.run("sh", "-c", script, "sh", *argv, user="payterm", check=False,
                    timeout=timeout, env=unit_environment(root, **env))


def stat(root, path: str) -> str:
    return root.run("stat", "-c", "%U:%G %a", path).stdout.strip()


def database_counts(root, path: str) -> tuple[int, int]:
    """(outbox rows pending, attempts) in a payterm database inside the root."""
    script = ("import sqlite3, sys; c = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', "
              "uri=True); print(c.execute(\"SELECT COUNT(*) FROM outbox WHERE state = "
              "'pending'\").fetchone()[0], c.execute('SELECT COUNT(*) FROM attempts')"
              ".fetchone()[0])")
    pending, attempts = root.run("python3", "-c", script, path).stdout.split()
    return int(pending), int(attempts)


def fill_backup_disk(root) -> Path:
    """A real, full 256 KiB file system where the backups go."""
    where = root.mount("/var/backups/payterm", "-t", "tmpfs", "-o", "size=256k,mode=0700",
                       "tmpfs")
    subprocess.run(["dd", "if=/dev/zero", f"of={where / 'filler'}", "bs=4k"],
                   capture_output=True, timeout=60)
    assert shutil.disk_usage(where).free < 8192
    return where


APT_INSTALL = ("apt-get", "install", "-y", "-q", "--no-install-recommends")


def test_lintian_finds_no_errors(deb):
    with step("lintian"):
        out = subprocess.run(["nice", "-n", "10", "lintian", "--fail-on", "error",
                              str(deb)], capture_output=True, text=True, timeout=1800)
    errors = [line for line in out.stdout.splitlines() if line.startswith("E:")]
    assert not errors and out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_apt_installs_it_with_its_depends_alone(kiosk, deb):
    with step("apt-get install"):
        kiosk.run(*APT_INSTALL, f"/tmp/{deb.name}", timeout=1800)
    assert not (kiosk.path / "usr/share/payterm/wheelhouse").exists()
    verify = kiosk.run("dpkg", "--verify", "payterm", check=False).stdout.splitlines()
    # Only the deleted wheelhouse (its folder and wheels) differs from what dpkg shipped.
    assert verify and all(re.fullmatch(r"missing\s+/usr/share/payterm/wheelhouse(/\S+\.whl)?",
                                       line) for line in verify), verify
    # udev brings the input and render groups the service user is put in.
    groups = kiosk.run("id", "-nG", "payterm").stdout.split()
    assert {"payterm", "dialout", "video", "input", "render"} <= set(groups), groups
    kiosk.run("dpkg-query", "-W", "udev", "cage", "libgl1", "libxcb-cursor0")


def test_files_modes_owners_conffiles_and_the_enabled_unit(kiosk):
    assert stat(kiosk, "/etc/payterm/payterm.toml") == "root:payterm 640"
    assert stat(kiosk, "/var/lib/payterm") == "payterm:payterm 700"
    assert stat(kiosk, "/var/lib/payterm/keys") == "payterm:payterm 700"
    assert stat(kiosk, "/var/backups/payterm") == "root:root 700"
    conffiles = kiosk.run("dpkg-query", "-W", "-f=${Conffiles}", "payterm").stdout
    assert "/etc/payterm/payterm.toml" in conffiles and "/etc/logrotate.d/payterm" in conffiles
    for doc in ("copyright", "changelog.gz"):
        assert (kiosk.path / "usr/share/doc/payterm" / doc).is_file()
    # Enabled although no systemd runs (as in an image built in a chroot).
    wants = kiosk.path / "etc/systemd/system/graphical.target.wants/payterm-kiosk.service"
    assert wants.is_symlink()


def test_the_service_user_reads_its_settings(kiosk):
    with step("config check as payterm"):
        out = as_service(kiosk, *unit_setting("ExecStartPre").split())
    assert out.returncode == 0, out.stdout + out.stderr
    # The check the settings file's own comment tells the technician to run.
    comment = re.search(r"^#\s+(sudo [^(\n]*?payterm config check)",
                        (PACKAGING / "config" / "payterm.toml").read_text(), re.M)
    assert comment, "the settings file no longer says how to check it"
    argv = comment.group(1).split()[1:]             # sudo: the wrapper switches user itself
    out = kiosk.run(*argv, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_qt_starts_offscreen_and_its_platform_plugins_find_their_libraries(kiosk):
    script = ("import sys; from PySide6.QtWidgets import QApplication; "
              "app = QApplication(sys.argv); print(app.platformName())")
    out = as_service(kiosk, "/opt/payterm/venv/bin/python", "-c", script,
                     QT_QPA_PLATFORM="offscreen")
    assert out.returncode == 0 and out.stdout.strip() == "offscreen", out.stderr[-3000:]
    qt_plugins = next((kiosk.path / "opt/payterm/venv/lib").glob(
        "python3*/site-packages/PySide6/Qt/plugins"))
    plugins = [*qt_plugins.glob("platforms/*.so"), *qt_plugins.glob("wayland-*/*.so"),
               *qt_plugins.glob("xcbglintegrations/*.so")]
    names = {plugin.name for plugin in plugins}
    # xcb for the xinit fallback, wayland for cage, offscreen for the tests.
    assert {"libqxcb.so", "libqoffscreen.so"} <= names, names
    assert any("wayland" in name for name in names), names
    for plugin in plugins:
        inside = "/" + str(plugin.relative_to(kiosk.path))
        missing = [line for line in kiosk.run("ldd", inside).stdout.splitlines()
                   if "not found" in line]
        assert not missing, f"{plugin.name}: {missing}"


def test_root_commands_work_on_the_service_data_as_the_service_user(kiosk):
    with step("root: keys generate"):
        out = kiosk.run("payterm", "keys", "generate", "--json")
    written = json.loads(out.stdout)
    assert written["private_key"].startswith("/var/lib/payterm/keys/")
    assert stat(kiosk, written["private_key"]) == "payterm:payterm 600"
    kiosk.run("payterm", "diag", "--json", check=False)
    assert kiosk.run("find", "/var/lib/payterm", "-user", "root").stdout == ""
    assert kiosk.run("find", "/root", "-name", "*payterm*").stdout == ""
    kiosk.run("useradd", "--create-home", "tech")
    refused = kiosk.run("payterm", "diag", check=False, user="tech",
                        env={"HOME": "/home/tech"})
    assert refused.returncode == 77 and "sudo payterm" in refused.stderr, refused.stderr


def test_the_kiosk_runs_as_the_service_user(kiosk):
    uid = kiosk.run("id", "-u", "payterm").stdout.strip()
    env = unit_environment(kiosk, QT_QPA_PLATFORM="offscreen")
    with step("kiosk runs 10 s"):
        app = kiosk.popen("sh", "-c", "cd /var/lib/payterm && umask 0077 && exec \"$@\"",
                          "sh", VENV_PAYTERM, "run", "--mode", "kiosk", env=env,
                          user="payterm")
        try:
            time.sleep(10)
            alive = app.poll() is None
            status = Path(f"/proc/{app.pid}/status").read_text() if alive else ""
        finally:
            if app.poll() is None:
                os.killpg(app.pid, signal.SIGTERM)
            try:
                _, err = app.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(app.pid, signal.SIGKILL)
                _, err = app.communicate(timeout=30)
    assert alive, f"the kiosk exited {app.returncode}: {err[-3000:]}"
    assert re.search(rf"^Uid:\s+{uid}\s", status, re.M), status
    assert "Traceback" not in err, err[-3000:]


def test_diag_json_as_the_service_user(kiosk):
    out = as_service(kiosk, VENV_PAYTERM, "diag", "--json", timeout=180,
                     QT_QPA_PLATFORM="offscreen")
    report = json.loads(out.stdout)
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    assert statuses["disk"] == "pass", statuses
    assert out.returncode == report["exit_code"]


def test_remove_and_reinstall_keep_an_unsynced_sale(kiosk, deb):
    out = kiosk.run("payterm", "cash", "pay", "--amount", "12.34", "--json",
                    env={"PAYTERM__OFFLINE__FORCED_OFFLINE": "true"})
    assert json.loads(out.stdout)
    assert database_counts(kiosk, "/var/lib/payterm/payterm.db")[0] == 1
    with step("remove + reinstall"):
        kiosk.run("apt-get", "remove", "-y", "-q", "payterm")
        assert database_counts(kiosk, "/var/lib/payterm/payterm.db")[0] == 1
        kiosk.run(*APT_INSTALL, f"/tmp/{deb.name}", timeout=1800)
    assert database_counts(kiosk, "/var/lib/payterm/payterm.db")[0] == 1
    assert stat(kiosk, "/etc/payterm/payterm.toml") == "root:payterm 640"


@contextmanager
def recorded_systemctl(kiosk):
    """A running-systemd look-alike: /run/systemd/system exists and systemctl records its
    calls (no systemd runs in a chroot); policy-rc.d is lifted so start/stop are asked."""
    systemctl = kiosk.path / "usr/bin/systemctl"
    real = systemctl.with_name("systemctl.real")
    calls = kiosk.path / "tmp/systemctl-calls"
    policy = kiosk.path / "usr/sbin/policy-rc.d"
    systemctl.rename(real)
    systemctl.write_text((ROOT / "tests/packaging/systemctl_recorder.sh").read_text())
    systemctl.chmod(0o755)
    policy.unlink()
    (kiosk.path / "run/systemd/system").mkdir(parents=True)
    try:
        yield calls
    finally:
        shutil.rmtree(kiosk.path / "run/systemd")
        real.replace(systemctl)
        policy.write_text(debian_root.POLICY_RC_D)
        policy.chmod(0o755)


def test_an_upgrade_refused_for_a_full_backup_disk_starts_the_old_kiosk_again(kiosk,
                                                                             upgrade_deb):
    shutil.copy(upgrade_deb, kiosk.path / "tmp" / upgrade_deb.name)
    before = kiosk.run("dpkg-query", "-W", "-f=${Version}", "payterm").stdout
    backups = fill_backup_disk(kiosk)
    try:
        with recorded_systemctl(kiosk) as calls, step("refused upgrade"):
            out = kiosk.run(*APT_INSTALL, f"/tmp/{upgrade_deb.name}", check=False,
                            timeout=1800)
            recorded = calls.read_text().splitlines() if calls.exists() else []
    finally:
        kiosk.unmount(backups)
    assert out.returncode != 0
    assert "REFUSING TO UPGRADE" in out.stderr + out.stdout
    assert kiosk.run("dpkg-query", "-W", "-f=${Version}", "payterm").stdout == before
    status = kiosk.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "payterm").stdout
    assert status.strip() == "ii", status
    stops = [i for i, call in enumerate(recorded) if re.search(r"\bstop\b.*payterm-kiosk",
                                                               call)]
    starts = [i for i, call in enumerate(recorded)
              if re.search(r"\bstart\b.*payterm-kiosk", call)]
    assert stops and starts and starts[-1] > stops[-1], recorded
    assert database_counts(kiosk, "/var/lib/payterm/payterm.db")[0] == 1


def test_an_upgrade_with_room_backs_up_the_unsynced_sale(kiosk, upgrade_deb):
    with step("upgrade"):
        out = kiosk.run(*APT_INSTALL, f"/tmp/{upgrade_deb.name}", timeout=1800)
    assert "backed up (verified)" in out.stderr + out.stdout
    (backup,) = (kiosk.path / "var/backups/payterm").glob("*-from-*")
    inside = "/" + str(backup.relative_to(kiosk.path))
    assert database_counts(kiosk, f"{inside}/payterm.db")[0] == 1
    assert (backup / "keys" / "terminal_private.pem").is_file()
    assert not (kiosk.path / "usr/share/payterm/wheelhouse").exists()


def test_purge_stops_on_a_full_backup_disk_and_keeps_the_data(kiosk):
    backups = fill_backup_disk(kiosk)
    try:
        with step("refused purge"):
            out = kiosk.run("apt-get", "purge", "-y", "-q", "payterm", check=False)
    finally:
        kiosk.unmount(backups)
    said = out.stderr + out.stdout
    assert out.returncode != 0
    assert "PURGE STOPPED, nothing deleted" in said, said[-3000:]
    assert "WARNING: purging a terminal with" in said and "1 unsynced" in said, said[-3000:]
    assert database_counts(kiosk, "/var/lib/payterm/payterm.db")[0] == 1
    assert (kiosk.path / "var/lib/payterm/keys/terminal_private.pem").is_file()


def test_purge_with_room_keeps_a_verified_copy_then_removes_everything(kiosk):
    with step("purge"):
        out = kiosk.run("apt-get", "purge", "-y", "-q", "payterm")
    assert "copied and verified" in out.stderr + out.stdout
    (copy,) = (kiosk.path / "var/backups/payterm").glob("purged-*")
    inside = "/" + str(copy.relative_to(kiosk.path))
    assert database_counts(kiosk, f"{inside}/payterm.db")[0] == 1
    assert (copy / "keys" / "terminal_private.pem").is_file()
    assert (copy / "payterm.toml.removed").is_file()
    for gone in ("var/lib/payterm", "etc/payterm", "opt/payterm"):
        assert not (kiosk.path / gone).exists(), gone
    assert kiosk.run("getent", "passwd", "payterm", check=False).returncode != 0
    assert kiosk.run("dpkg-query", "-W", "payterm", check=False).returncode != 0
