"""``wallet set alipay|wechat``, ``wallet list``, ``wallet sandbox alipay|wechat``.

Secrets (private keys, the API key, the client certificate's key, an app_auth_token)
are read from files, checked, sealed into the database and never printed; ``list``
shows ids, URLs, modes, key fingerprints and certificate serial numbers only.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from typing import Any

from backoffice.cli.context import Context
from backoffice.cli.output import print_json, print_table
from backoffice.clock import HOST_TZ
from backoffice.registry.terminals import check_store_id
from backoffice.wallets import account_input
from backoffice.wallets.accounts import AccountListing, list_accounts, save_account
from backoffice.errors import SettingError
from backoffice.wallets.reconcile import reconcile_store
from backoffice.wallets.resolution import Resolver
from backoffice.wallets.sealing import ensure_sealer

#: public settings that are long or not for people (the sandbox CA)
_HIDDEN = ("ca_pem",)


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    wallet = sub.add_parser("wallet", parents=[parent], help="wallet accounts (Alipay, WeChat "
                                                             "Pay) and their sandboxes")
    actions = wallet.add_subparsers(dest="wallet_command", metavar="ACTION", required=True)
    setter = actions.add_parser("set", parents=[parent], help="set a store's wallet account")
    wallets = setter.add_subparsers(dest="wallet", metavar="WALLET", required=True)
    alipay = wallets.add_parser("alipay", parents=[parent], help="Alipay open platform")
    alipay.add_argument("--store", required=True)
    alipay.add_argument("--gateway-url", required=True, metavar="URL",
                        help="https://openapi.alipay.com/gateway.do")
    alipay.add_argument("--app-id", required=True, metavar="ID")
    alipay.add_argument("--private-key", required=True, metavar="FILE",
                        help="the app's RSA2 private key (PEM)")
    alipay.add_argument("--alipay-public-key", metavar="FILE", help="public-key mode")
    alipay.add_argument("--app-cert", metavar="FILE", help="certificate mode: appCertPublicKey")
    alipay.add_argument("--alipay-cert", metavar="FILE", help="alipayCertPublicKey_RSA2")
    alipay.add_argument("--alipay-root-cert", metavar="FILE", help="alipayRootCert")
    alipay.add_argument("--app-auth-token-file", metavar="FILE",
                        help="service providers: the sub-merchant's app_auth_token")
    alipay.add_argument("--sub-merchant-id", metavar="ID")
    alipay.add_argument("--seller-id", metavar="ID", help="answers must name this seller")
    alipay.add_argument("--json", action="store_true")
    alipay.set_defaults(handler=set_command)
    wechat = wallets.add_parser("wechat", parents=[parent], help="WeChat Pay v2")
    wechat.add_argument("--store", required=True)
    wechat.add_argument("--api-url", required=True, metavar="URL",
                        help="https://api.mch.weixin.qq.com")
    wechat.add_argument("--mch-id", required=True, metavar="ID")
    wechat.add_argument("--appid", required=True, metavar="ID")
    wechat.add_argument("--api-key-file", required=True, metavar="FILE",
                        help="the 32-character API key (v2)")
    wechat.add_argument("--cert", required=True, metavar="FILE",
                        help="apiclient_cert.pem (reverse and refund)")
    wechat.add_argument("--key", required=True, metavar="FILE", help="apiclient_key.pem")
    wechat.add_argument("--sub-mch-id", metavar="ID", help="service providers")
    wechat.add_argument("--sub-appid", metavar="ID")
    wechat.add_argument("--ca", metavar="FILE", help="trust this CA instead of the system's "
                                                     "(a sandbox)")
    wechat.add_argument("--json", action="store_true")
    wechat.set_defaults(handler=set_command)
    listing = actions.add_parser("list", parents=[parent], help="every wallet account, "
                                                               "without secrets")
    listing.add_argument("--store")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    reconcile = actions.add_parser("reconcile", parents=[parent],
                                   help="compare a day with each wallet's bill; differences "
                                        "go on the exception list")
    reconcile.add_argument("--store", required=True)
    reconcile.add_argument("--date", metavar="YYYY-MM-DD", help="default: yesterday (Beijing)")
    reconcile.add_argument("--json", action="store_true")
    reconcile.set_defaults(handler=reconcile_command)
    from backoffice.cli.wallet_sandbox_command import register_sandbox
    register_sandbox(actions, parent)


def reconcile_command(args: argparse.Namespace, ctx: Context) -> int:
    store = check_store_id(args.store)
    if args.date:
        try:
            day = date.fromisoformat(args.date).isoformat()
        except ValueError:
            raise SettingError("--date", f"{args.date!r} is not YYYY-MM-DD") from None
    else:
        day = (datetime.now(HOST_TZ).date() - timedelta(days=1)).isoformat()
    keys = ctx.locations.private_key.parent
    resolver = Resolver(ctx.engine, ctx.settings, ensure_sealer(keys),
                        runtime_dir=keys / "wallet-runtime")
    reports = reconcile_store(resolver, store, day)
    data = {"store_id": store, "date": day,
            "wallets": [{"wallet": r.wallet, "bill_lines": r.bill_lines, "matched": r.matched,
                         "differences": r.differences, "error": r.error} for r in reports]}
    if args.json:
        print_json(data)
    else:
        for r in reports:
            state = f"error: {r.error}" if r.error else (
                f"{r.bill_lines} bill lines, {r.matched} orders match, "
                f"{len(r.differences)} differences")
            print(f"{r.wallet} {day}: {state}")
            print_table(r.differences, ["out_trade_no", "reason_code", "books_paid",
                                        "wallet_paid", "books_refunded", "wallet_refunded"])
    failed = any(r.error for r in reports)
    return 4 if failed else (1 if any(r.differences for r in reports) else 0)


def set_command(args: argparse.Namespace, ctx: Context) -> int:
    store = check_store_id(args.store)
    if args.wallet == "alipay":
        public, secrets = account_input.alipay_account(args)
    else:
        public, secrets = account_input.wechat_account(args)
    sealer = ensure_sealer(ctx.locations.private_key.parent)
    version = ctx.run(lambda conn, now: save_account(
        conn, sealer, store_id=store, wallet=args.wallet, public=public, secrets=secrets,
        now=now), write=True)
    shown = {"store_id": store, "wallet": args.wallet, "version": version,
             **{k: v for k, v in public.items() if k not in _HIDDEN}}
    if args.json:
        print_json(shown)
    else:
        print(f"已保存 saved: {args.wallet} for store {store} (version {version}); running "
              f"servers use it from their next call. The key files can now be removed.")
    return 0


def listing_json(item: AccountListing) -> dict[str, Any]:
    return {"store_id": item.store_id, "wallet": item.wallet, "version": item.version,
            "updated_at": item.updated_at,
            **{k: v for k, v in item.public.items() if k not in _HIDDEN}}


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    items = ctx.run(lambda conn, now: list_accounts(conn, args.store), write=False)
    if args.json:
        print_json([listing_json(item) for item in items])
        return 0
    rows = [{"store": i.store_id, "wallet": i.wallet,
             "account": i.public.get("app_id") or i.public.get("mch_id", ""),
             "url": i.public.get("gateway_url") or i.public.get("api_url", ""),
             "mode": i.public.get("mode", "v2"), "version": i.version,
             "updated": datetime.fromtimestamp(i.updated_at, HOST_TZ).strftime(
                 "%Y-%m-%d %H:%M:%S")} for i in items]
    print_table(rows, ["store", "wallet", "account", "url", "mode", "version", "updated"])
    return 0
