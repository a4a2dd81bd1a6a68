"""The diagnostic slip: the report as a receipt the printer can print."""

from __future__ import annotations

import time

from terminal.receipt import Receipt, ReceiptKind
from terminal.settings.model import Settings
from ui.diagnostics.runner import DiagReport

_MESSAGE_CHARS = 40


def diagnostic_slip(report: DiagReport, settings: Settings) -> Receipt:
    """One line per check ("通过 PASS 磁盘空间 / Disk space", short sentence), then the
    facts a support call needs. Contains no secrets: messages never do."""
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(report.started_at_epoch_s))
    extra: list[tuple[str, str]] = [("诊断结果 Diagnostics", report.overall.label)]
    for result in report.results:
        extra.append((f"{result.status.label} {result.title}", _short(result.message)))
    extra += _face_timing_lines(report)
    for key in ("version", "hostname", "os"):
        if report.facts.get(key):
            extra.append((key, str(report.facts[key])))
    return Receipt(merchant_name=settings.terminal.merchant_name,
                   terminal_id=settings.terminal.terminal_id,
                   out_trade_no=f"DIAG-{time.strftime('%Y%m%d%H%M%S', time.localtime(report.started_at_epoch_s))}",
                   created_at=created, total_fen=0, tender_label="诊断 Diagnostics",
                   kind=ReceiptKind.TEST_PAGE, store_name=settings.terminal.store_name,
                   footer="payterm diag", extra_lines=tuple(extra))


def _short(message: str) -> str:
    return message if len(message) <= _MESSAGE_CHARS else message[: _MESSAGE_CHARS - 1] + "…"


_STAGE_LABELS = (("detection", "检测 det"), ("passive_liveness", "活体 live"),
                 ("embedding", "特征 emb"))


def _face_timing_lines(report: DiagReport) -> list[tuple[str, str]]:
    """The camera check's face-pipeline times (ms per stage), when it measured them."""
    for result in report.results:
        stages = (result.details.get("face") or {}).get("stages_ms") or {}
        if result.name == "camera" and "embedding" in stages:
            return [(f"人脸 Face {label} ms", f"{stages[key]:.0f}")
                    for key, label in _STAGE_LABELS]
    return []
