"""``payterm``: the command line. Finds subcommand modules in ``ui.cli.commands``.

Exit codes: 0 done; 1 the operation ran and failed (declined, unresolved, check failed);
2 bad usage or bad input; 3 configuration error; 4 device/host/storage error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from terminal.errors import ConfigError, TerminalError, UserFacingError
from ui.cli import commands
from ui.cli.output import print_error
from ui.composition.context import build_context

log = logging.getLogger("payterm.cli")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CONFIG, EXIT_ERROR = 0, 1, 2, 3, 4


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version
    try:
        return dist_version("payterm")
    except PackageNotFoundError:
        return "0.0.0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="payterm", description="In-store payment terminal")
    parser.add_argument("--version", action="version", version=f"payterm {version()}")
    parser.add_argument("--data-dir", help="state directory (default: $PAYTERM_DATA_DIR or "
                                           "~/.local/share/payterm)")
    parser.add_argument("--config", help="settings TOML file (default: $PAYTERM_CONFIG or "
                                         "<data dir>/payterm.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    ctx = None
    try:
        ctx = build_context(args.data_dir, args.config,
                            with_logging=not getattr(args, "no_logging", False))
        log.info("command %s", args.command)
        return int(args.handler(args, ctx) or 0)
    except ConfigError as exc:
        print_error(f"配置错误 / configuration error: {exc}")
        return EXIT_CONFIG
    except UserFacingError as exc:
        print_error(exc.user_message)
        return EXIT_USAGE
    except TerminalError as exc:
        log.warning("command failed: %s", exc)
        print_error(f"{exc.user_message}\n  ({exc})")
        return EXIT_ERROR
    except KeyboardInterrupt:
        print_error("已中断 / interrupted")
        return 130
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    sys.exit(main())
