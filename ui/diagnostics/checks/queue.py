"""The payment journal and the outbox: what is unsynced or unresolved, and for how long.

Anything unresolved is money in doubt: the resolver should clear it within minutes
while the host is reachable. Old unsynced records block end of day and upgrades.
"""

from __future__ import annotations

import sqlite3

from offline_queue.journal_identity import check_journal_present
from terminal.errors import JournalMissing
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.queue_summary import summarise_store
from ui.diagnostics.result import CheckResult, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

_CONNECT = ("保持终端联网，待同步/确认完成；检查“支付平台”一项 / Keep the terminal online until "
            "records sync and resolve; see the host check")


def check_queue(env: DiagEnvironment) -> CheckResult:
    path = env.path(env.settings.storage.database_file)
    try:
        check_journal_present(path, (env.path(env.settings.host.private_key_file),))
    except JournalMissing as exc:
        return failed(exc.user_message,
                      "从备份恢复 payterm.db；确认丢失后执行 payterm journal new --confirm / Restore "
                      "payterm.db from a backup; if it is lost for good, `payterm journal new "
                      "--confirm`", database=str(path))
    try:
        summary = summarise_store(path, now=env.now(),
                                  busy_timeout_ms=env.settings.storage.busy_timeout_ms)
    except sqlite3.DatabaseError as exc:
        return failed(f"数据库无法读取 / The store cannot be read: {exc}",
                      "不要删除文件！导出支持包并联系技术支持 / Do not delete the file! Export "
                      "a support bundle and contact support", database=str(path))
    if not summary["exists"]:
        return passed("尚无交易记录（新装机）/ No records yet (new installation)", **summary)
    if summary["integrity"] != "ok":
        return failed(f"数据库完整性检查失败 / Store integrity check failed: "
                      f"{summary['integrity']}", "不要删除文件！导出支持包并联系技术支持 / Do not "
                      "delete the file! Export a support bundle and contact support", **summary)
    remarks = []
    journal = summary.get("journal") or {}
    held = list(journal.get("held") or []) + list(journal.get("refunds_in_doubt") or [])
    if held:
        return failed(f"{len(held)} 笔主机应答不一致，已挂起待人工处理 / {len(held)} payments or "
                      f"refunds HELD (host answers not about them): {', '.join(held)}",
                      "逐笔与平台核实后执行 payterm journal recheck 交易号（退款：再次退款即重发同一"
                      "请求）；日结将被拒绝直到处理完 / Check each with the host's operator, then "
                      "`payterm journal recheck <out_trade_no>` (a refund: refund again, the same "
                      "request is re-sent); end of day is refused until then", **summary)
    oldest = journal.get("oldest_unresolved_age_s")
    if journal.get("unresolved"):
        remarks.append(f"{journal['unresolved']} 笔结果待确认 / payments awaiting their outcome"
                       f" (oldest {oldest:.0f} s)")
    if journal.get("needs_attention"):
        remarks.append(f"{journal['needs_attention']} 笔需人工处理 / need a person's attention")
    outbox = summary.get("outbox") or {}
    if outbox.get("declined"):
        remarks.append(f"{outbox['declined']} 笔离线交易被平台拒绝 / offline payments declined "
                       "later (exception list)")
    if outbox.get("dead_letters"):
        remarks.append(f"{outbox['dead_letters']} 条上传被拒 / records the host refused")
    if outbox.get("pending"):
        remarks.append(f"{outbox['pending']} 条待上传 / records waiting to sync")
    if outbox.get("last_error"):
        remarks.append(f"上次同步错误 / last sync error: {outbox['last_error']}")
    if not remarks:
        return passed(f"无待同步或待确认记录（共 {journal.get('attempts', 0)} 笔）/ Nothing "
                      "unsynced or unresolved", **summary)
    ages = [a for a in (oldest, outbox.get("oldest_pending_age_s")) if a is not None]
    stuck = journal.get("needs_attention") or outbox.get("dead_letters") or \
        outbox.get("declined") or (
        ages and max(ages) > env.settings.diagnostics.queue_oldest_warn_s)
    text = "; ".join(remarks)
    if stuck:
        return warned(f"有积压记录 / Records are stuck: {text}",
                      "在收银界面“异常/未确认”中查看处理；" + _CONNECT, **summary)
    return passed(f"正在处理 / In progress: {text}", **summary)


SPEC = CheckSpec("queue", "交易日志与上传队列 / Journal and outbox", check_queue)
