"""Every ``payterm ...`` command line in packaging/ must parse with the real CLI parser,
and the service must start a session script the package really installs.

A unit file or session script that calls a command that does not exist only fails on a
kiosk at boot (restart loop, then the start limit); here it fails CI instead.
"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest

from ui.cli.main import build_parser

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"

#: How packaging files call payterm: the venv's or /usr/bin's executable, the session's
#: "$PAYTERM" variable, after an environment assignment (``PAYTERM_CONFIG=... payterm``),
#: or quoted in a message between backticks. Arguments start with a word or an option
#: (``ln -s .../payterm "$STAGE/..."`` is a path, not a call).
_INVOCATION = re.compile(
    r"(?:/opt/payterm/venv/bin/payterm|/usr/bin/payterm|\"\$\{?PAYTERM\}?\"|"
    r"\bPAYTERM_\w+=\S+[ \t]+payterm|`payterm)[ \t]+(?P<args>[a-z-][^`\n;&|)]*)")


def command_lines() -> list[tuple[str, str]]:
    """(file relative to packaging/, argument text) for each payterm invocation."""
    found = []
    for path in sorted(PACKAGING.rglob("*")):
        if path.is_file():
            for match in _INVOCATION.finditer(path.read_text(encoding="utf-8")):
                found.append((str(path.relative_to(PACKAGING)), match.group("args").strip()))
    return found


def parse_problem(args_text: str) -> str | None:
    """None when ``payterm <args_text>`` parses to a runnable command, else why not."""
    argv = shlex.split(args_text)
    if any("$" in arg for arg in argv):
        return f"contains a shell variable, cannot be checked: {args_text}"
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:
        return f"does not parse: payterm {args_text}"
    if getattr(args, "handler", None) is None:
        return f"names no runnable command: payterm {args_text}"
    return None


def test_the_kiosk_session_scripts_are_found():
    files = {name for name, _ in command_lines()}
    assert {"kiosk/kiosk-session", "kiosk/kiosk-xsession",
            "systemd/payterm-kiosk.service"} <= files


@pytest.mark.parametrize("where,args_text", command_lines())
def test_every_packaged_command_line_parses(where, args_text, capsys):
    problem = parse_problem(args_text)
    assert problem is None, f"{where}: {problem}\n{capsys.readouterr().err}"


def test_the_checker_refuses_a_command_that_does_not_exist(capsys):
    assert "does not parse" in parse_problem("kiosk")
    assert "does not parse" in parse_problem("run --mode kisok")
    assert parse_problem("run --mode kiosk") is None


def test_the_sessions_start_the_kiosk_app():
    lines = dict.fromkeys(args for name, args in command_lines() if name.startswith("kiosk/"))
    assert list(lines) == ["run --mode kiosk"]


def test_the_service_starts_scripts_that_the_package_installs():
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(PACKAGING / "systemd" / "payterm-kiosk.service")
    build = (PACKAGING / "build.sh").read_text(encoding="utf-8")
    start = unit["Service"]["ExecStart"].split()[0]
    assert start == "/usr/lib/payterm/kiosk-session"
    # build.sh installs packaging/kiosk/* into /usr/lib/payterm/ with mode 0755.
    assert re.search(r"install -m 0755 packaging/kiosk/kiosk-session .*usr/lib/payterm/", build)
    session = (PACKAGING / "kiosk" / "kiosk-session").read_text(encoding="utf-8")
    assert "/usr/lib/payterm/kiosk-xsession" in session
    assert "packaging/kiosk/kiosk-xsession" in build
