"""``migrate``, ``serve`` and ``keys show``."""

from __future__ import annotations

import argparse

from backoffice.cli.context import Context
from backoffice.cli.output import print_json
from backoffice.http.app import ServeConfig
from backoffice.manager.sessions import load_or_create_secret
from backoffice.server import DEFAULT_LISTEN, parse_listen, prepare_database, run_server
from backoffice.storage.engine import display_url
from backoffice.storage.migrate import upgrade


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    migrate = sub.add_parser("migrate", parents=[parent],
                             help="create or upgrade the database schema (safe to repeat)")
    migrate.add_argument("--json", action="store_true")
    migrate.set_defaults(handler=migrate_command)

    serve = sub.add_parser("serve", parents=[parent], help="serve the terminals over HTTP")
    serve.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                       help=f"address to listen on (default {DEFAULT_LISTEN})")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes (default 1; e.g. the number of cores)")
    serve.add_argument("--no-migrate", action="store_true",
                       help="refuse to start on an old schema instead of upgrading it")
    serve.set_defaults(handler=serve_command)

    keys = sub.add_parser("keys", parents=[parent], help="the back office's signing key pair")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    show = keys_sub.add_parser("show", parents=[parent],
                               help="show the public key (made on first use)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=keys_show_command)


def migrate_command(args: argparse.Namespace, ctx: Context) -> int:
    result = upgrade(ctx.engine)
    if args.json:
        print_json({"database": display_url(ctx.database_url), "before": result.before,
                    "after": result.after, "changed": result.changed})
    else:
        print(f"数据库 database: {display_url(ctx.database_url)}")
        print(f"结构版本 schema: {result.before or '(empty)'} -> {result.after}"
              + ("" if result.changed else "  (已是最新 already current)"))
    return 0


def serve_command(args: argparse.Namespace, ctx: Context) -> int:
    listen = parse_listen(args.listen)
    key = ctx.signing_key()
    # Made here once, so the workers (started together) only read it.
    load_or_create_secret(ctx.locations.manager_secret)
    state = prepare_database(ctx.database_url, ctx.settings, migrate=not args.no_migrate)
    print(f"payterm-backoffice: {display_url(ctx.database_url)} ({state}); "
          f"key {key.fingerprint[:16]}; http://{args.listen}/gateway.do with "
          f"{args.workers} worker(s)", flush=True)
    config = ServeConfig(database_url=ctx.database_url, data_dir=str(ctx.locations.data_dir),
                         config_file=ctx.config_file)
    run_server(config, listen, args.workers, ctx.settings)
    return 0


def keys_show_command(args: argparse.Namespace, ctx: Context) -> int:
    key = ctx.signing_key()
    if args.json:
        print_json({"public_key_pem": key.public_key_pem,
                    "public_key_sha256": key.fingerprint,
                    "public_key_file": str(ctx.locations.public_key),
                    "private_key_file": str(ctx.locations.private_key)})
    else:
        print(key.public_key_pem, end="")
        print(f"SHA-256: {key.fingerprint}")
        print("终端把它存为 give it to each terminal as <terminal data dir>/keys/host_public.pem")
    return 0
