"""The human form of a diagnostic report: a bilingual table, then what to do."""

from __future__ import annotations

from ui.text_table import display_width
from ui.diagnostics.result import Status
from ui.diagnostics.runner import DiagReport

_WRAP = 72


def render_report(report: DiagReport) -> str:
    """Plain text for a terminal: one row per check, then the actions for non-passes."""
    rows = [(r.status.label, r.title, r.message) for r in report.results]
    heads = ("状态 Status", "检查 Check", "结果 Result")
    width0 = max(display_width(x) for x in [heads[0]] + [r[0] for r in rows])
    width1 = max(display_width(x) for x in [heads[1]] + [r[1] for r in rows])
    lines = [_row(heads, width0, width1), "-" * (width0 + width1 + 4 + _WRAP)]
    for row in rows:
        lines.append(_row(row, width0, width1))
    todo = [r for r in report.results if r.status in (Status.FAIL, Status.WARN) and r.action]
    if todo:
        lines += ["", "处理建议 / What to do:"]
        for number, result in enumerate(todo, 1):
            lines.append(f"{number}. [{result.title}] {result.action}")
    counts = report.counts()
    lines += ["", f"总体 Overall: {report.overall.label}   "
                  f"通过 pass {counts['pass']} · 注意 warn {counts['warn']} · "
                  f"失败 fail {counts['fail']} · 跳过 skip {counts['skip']}   "
                  f"({report.duration_s:.1f} s)"]
    return "\n".join(lines)


def _row(cells, width0: int, width1: int) -> str:
    status, title, message = cells
    chunks = _wrap(message, _WRAP) or [""]
    indent = " " * (width0 + width1 + 4)
    first = f"{_pad(status, width0)}  {_pad(title, width1)}  {chunks[0]}"
    return "\n".join([first] + [indent + chunk for chunk in chunks[1:]])


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _wrap(text: str, width: int) -> list[str]:
    """Wrap by display width (CJK counts double), breaking at spaces when it can."""
    out, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    return out
