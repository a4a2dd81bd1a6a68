"""``payterm support-bundle OUT.zip`` and ``payterm support-bundle --qr DIR``."""

from __future__ import annotations

from pathlib import Path

from terminal.errors import UserFacingError
from ui.diagnostics.catalogue import select_checks
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.facts import terminal_facts
from ui.diagnostics.qr_summary import compact_summary, encode_chunks, write_qr_pngs
from ui.diagnostics.runner import run_checks
from ui.diagnostics.support_bundle import build_support_bundle, queue_summary


def register(sub) -> None:
    bundle = sub.add_parser(
        "support-bundle", help="export logs, settings (no secrets) and diagnostics",
        description="Writes a zip without keys, payment codes or face data, or (--qr) a "
                    "numbered series of QR code images of the summary for shops without "
                    "a network.")
    bundle.add_argument("out", nargs="?", metavar="OUT.zip", help="the zip file to write")
    bundle.add_argument("--qr", metavar="DIR", help="write the summary as QR PNGs into DIR")
    bundle.add_argument("--no-diag", action="store_true",
                        help="do not run the self-tests first (faster)")
    bundle.add_argument("--only", metavar="NAMES", help="self-tests to run (comma list)")
    bundle.set_defaults(handler=export_bundle)


def export_bundle(args, ctx) -> int:
    if bool(args.out) == bool(args.qr):
        raise UserFacingError("请给出 OUT.zip 或 --qr DIR 之一 / Give either OUT.zip or --qr DIR")
    env = DiagEnvironment.from_context(ctx)
    report = None
    if not args.no_diag or args.qr:
        report = run_checks(select_checks(args.only), env, facts=terminal_facts(ctx.settings))
    if args.qr:
        chunks = encode_chunks(compact_summary(report, queue_summary(env)))
        paths = write_qr_pngs(chunks, Path(args.qr))
        print(f"已生成 {len(paths)} 个二维码 / Wrote {len(paths)} QR codes:")
        for path in paths:
            print(f"  {path}")
        return 0
    manifest = build_support_bundle(env, Path(args.out), report)
    print(f"支持包已生成 / Support bundle written: {args.out}")
    print(f"  包含 / members: {', '.join(manifest.members)}")
    for source, why in manifest.skipped.items():
        print(f"  未包含 / left out: {source} ({why})")
    if manifest.scrubbed:
        print(f"  已遮盖 / masked: {sum(manifest.scrubbed.values())} 处 items")
    return 0
