"""``payterm-backoffice``: the back office's command line.

Every command takes ``--database URL`` (default: the embedded SQLite file in the data
directory), ``--data-dir DIR`` (default ``$PAYTERM_BACKOFFICE_DATA_DIR``) and
``--config FILE``, before or after the command name.

Exit codes: 0 done; 1 refused by the books (e.g. member still has a balance); 2 bad
usage or input; 3 configuration error; 4 database unavailable or full; 5 not found.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from backoffice.cli import (admin_commands, bill_commands, face_commands, manager_commands,
                            member_commands, terminal_commands, wallet_commands)
from backoffice.cli.context import Context, build_context
from backoffice.cli.output import print_error
from backoffice.errors import (NotFound, Refused, SettingError, StorageFull,
                               StorageUnavailable)
from backoffice.log_setup import setup_logging
from terminal.errors import UserFacingError

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_CONFIG, EXIT_STORAGE, EXIT_NOT_FOUND = 0, 1, 2, 3, 4, 5
_COMMON = ("database", "data_dir", "config")


def common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--database", metavar="URL", default=default,
                        help="postgresql://user:pass@host:port/db or sqlite:////path.db "
                             "(default: $PAYTERM_BACKOFFICE_DATABASE, else "
                             "<data dir>/backoffice.db)")
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="keys, embedded database, settings (default: "
                             "$PAYTERM_BACKOFFICE_DATA_DIR or ~/.local/share/payterm-backoffice)")
    parser.add_argument("--config", metavar="FILE", default=default,
                        help="settings TOML (default: <data dir>/backoffice.toml if present)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="payterm-backoffice",
                                     description="payterm's back office: terminals, members, "
                                                 "offline records, daily bills")
    common_options(parser, suppress=False)
    parent = argparse.ArgumentParser(add_help=False)
    common_options(parent, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (admin_commands, terminal_commands, member_commands, face_commands,
                   bill_commands, manager_commands, wallet_commands):
        module.register(sub, parent)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    # The database, its WAL and the keys are the merchant's data: private to the service.
    os.umask(0o077)
    setup_logging("WARNING" if args.command != "serve" else None)
    ctx: Context | None = None
    try:
        ctx = build_context(args.data_dir, args.database, args.config)
        return int(args.handler(args, ctx) or 0)
    except SettingError as exc:
        print_error(f"配置错误 / configuration error: {exc}")
        return EXIT_CONFIG
    except NotFound as exc:
        print_error(str(exc))
        return EXIT_NOT_FOUND
    except Refused as exc:
        print_error(f"拒绝 / refused: {exc}")
        return EXIT_REFUSED
    except UserFacingError as exc:
        print_error(exc.user_message)
        return EXIT_USAGE
    except StorageFull as exc:
        print_error(f"数据库已满 / database full: {exc}")
        return EXIT_STORAGE
    except StorageUnavailable as exc:
        print_error(f"数据库不可用 / database unavailable: {exc}")
        return EXIT_STORAGE
    except KeyboardInterrupt:
        print_error("已中断 / interrupted")
        return 130
    finally:
        if ctx is not None:
            ctx.close()
        logging.shutdown()


if __name__ == "__main__":
    sys.exit(main())
