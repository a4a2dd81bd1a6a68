"""The back office's deployment files call commands that exist, with options that parse,
and the reverse proxy lets the back office's own size refusal through."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from backoffice.cli.main import build_parser
from backoffice.settings import BackofficeSettings

PACKAGING = Path(__file__).resolve().parents[2] / "packaging" / "backoffice"
BINARY = "/opt/payterm/venv/bin/payterm-backoffice"


def unit_commands() -> list[list[str]]:
    text = (PACKAGING / "payterm-backoffice@.service").read_text().replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        if line.startswith(("ExecStart=", "ExecStartPre=")):
            argv = shlex.split(line.split("=", 1)[1].replace("%i", "8791"))
            assert argv[0] == BINARY, line
            commands.append(argv[1:])
    return commands


def test_unit_commands_parse_with_the_real_cli():
    commands = unit_commands()
    assert [c[0] for c in commands] == ["migrate", "serve"]
    for argv in commands:
        args = build_parser().parse_args(argv)
        assert args.handler is not None
        assert args.database is None         # from $PAYTERM_BACKOFFICE_DATABASE: not in ps
    serve = build_parser().parse_args(commands[1])
    assert (serve.listen, serve.workers, serve.no_migrate) == ("127.0.0.1:8791", 2, True)


def test_proxy_body_limit_is_above_the_back_offices():
    text = (PACKAGING / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert megabytes * 1024 * 1024 > BackofficeSettings().max_request_bytes
    upstream_rules = re.findall(r"^\s*proxy_next_upstream\s+([^;]*);", text, re.M)
    assert upstream_rules and all("non_idempotent" not in rule for rule in upstream_rules)
