"""``payterm diag [--json] [--only camera,printer,...] [--print-slip]``: the field
self-tests.

Exit 0 when nothing failed (warnings allowed), 1 when any check failed, 4 when the
diagnostic slip could not be printed. A whole run (no ``--only``) leaves its summary in
``<data dir>/payterm.diag-last.json`` for the next ping to the back office.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from terminal.receipt import receipt_to_dict
from ui.cli.output import print_json
from ui.diagnostics.catalogue import all_checks, select_checks
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.facts import terminal_facts
from ui.diagnostics.report_text import render_report
from ui.diagnostics.runner import run_checks
from ui.diagnostics.slip import diagnostic_slip
from ui.diagnostics.slip_printing import print_slip
from ui.services.ping_report import diag_summary, save_diag_summary


def register(sub) -> None:
    names = ", ".join(s.name for s in all_checks())
    diag = sub.add_parser("diag", help="run the self-tests (exit 1 if any fails)",
                          description=f"Checks: {names}. The scanner check waits for a scan, "
                                      "so it runs only with --only scanner or --interactive.")
    diag.add_argument("--json", action="store_true", help="machine-readable report")
    diag.add_argument("--only", metavar="NAMES", help="comma list of checks to run")
    diag.add_argument("--interactive", action="store_true",
                      help="a person is present: also run checks that need one (scanner)")
    diag.add_argument("--test-page", action="store_true",
                      help="the printer check also prints a test page")
    diag.add_argument("--print-slip", action="store_true",
                      help="print the results on the receipt printer (diagnostic slip)")
    diag.add_argument("--slip-json", metavar="FILE",
                      help="also write the diagnostic slip (a receipt) as JSON to FILE")
    diag.set_defaults(handler=run_diag)


def run_diag(args, ctx) -> int:
    specs = select_checks(args.only, interactive=args.interactive)
    env = DiagEnvironment.from_context(
        ctx, interactive=args.interactive or bool(args.only and "scanner" in args.only),
        say=lambda text: print(text, file=sys.stderr, flush=True),
        print_test_page=args.test_page)
    report = run_checks(specs, env, facts=terminal_facts(ctx.settings))
    if not args.only:
        # A whole run's summary goes to the back office with the next ping.
        save_diag_summary(ctx.data_dir, diag_summary(
            report.overall.value, {r.name: r.status.value for r in report.results},
            report.started_at_epoch_s))
    if args.slip_json:
        slip = receipt_to_dict(diagnostic_slip(report, ctx.settings))
        Path(args.slip_json).write_text(json.dumps(slip, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
    if args.json:
        print_json(report.to_dict())
    else:
        print(render_report(report))
    if args.print_slip:
        # After the report, so a printer that cannot print still leaves the results on
        # screen; a DeviceError here exits 4 with the reason (ui.cli.main).
        printed = print_slip(report, env)
        print(printed.describe(), file=sys.stderr if args.json else sys.stdout, flush=True)
    return report.exit_code
