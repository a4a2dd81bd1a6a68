"""``payterm keys generate``: the terminal's RSA2 key pair for talking to the host."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization

from drivers.host.keys import TERMINAL_PUBLIC, generate_key_pair, load_public_key
from offline_queue.journal_identity import StoreState, start_new_journal, store_state
from ui.cli.output import print_json
from ui.composition.payments import database_path


def register(sub) -> None:
    keys = sub.add_parser("keys", help="the terminal's signing keys / 终端签名密钥")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    generate = keys_sub.add_parser("generate", help="make a new RSA-2048 key pair")
    generate.add_argument("--force", action="store_true",
                          help="replace existing keys (the host must get the new public key)")
    generate.add_argument("--json", action="store_true")
    generate.set_defaults(handler=generate_keys)


def generate_keys(args, ctx) -> int:
    private_path = ctx.path(ctx.settings.host.private_key_file)
    public_path = private_path.with_name(TERMINAL_PUBLIC)
    generate_key_pair(private_path, public_path, force=args.force)
    # The journal is born with the keys: from now on a missing store next to these keys
    # means a lost journal (start-up stops), not a new terminal.
    store = database_path(ctx)
    journal_epoch = ""
    if store_state(store) is StoreState.MISSING:
        journal_epoch, _moved = start_new_journal(
            store, busy_timeout_ms=ctx.settings.storage.busy_timeout_ms)
    der = load_public_key(public_path).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    fingerprint = hashlib.sha256(der).hexdigest()
    if args.json:
        print_json({"private_key": str(private_path), "public_key": str(public_path),
                    "public_key_sha256": fingerprint, "new_journal_epoch": journal_epoch})
        return 0
    if journal_epoch:
        print(f"已建立交易日志 / journal created: {store} (epoch {journal_epoch})")
    print(f"已生成密钥 / key pair written:\n  私钥 private (0600): {private_path}\n"
          f"  公钥 public: {public_path}\n  SHA-256: {fingerprint}")
    print("请把公钥交给支付平台 / Give the public key to the payment host "
          "(payterm host-sim reads it from the same folder).")
    return 0
