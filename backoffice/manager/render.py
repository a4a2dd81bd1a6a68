"""HTML of the manager's page (server-rendered, every value escaped, no script).

Fits a 1280x800 screen; the CSS is served as its own file so the Content-Security-Policy
can forbid inline code.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from backoffice.clock import HOST_TZ
from backoffice.manager.overview import Overview
from backoffice.manager.texts import text
from terminal.money import to_yuan_string

STALE_AFTER_S = 600.0

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;
background:#f4f5f7;color:#1d232b;font-size:15px}
header{background:#17324d;color:#fff;padding:10px 24px;display:flex;align-items:center;
gap:24px}header h1{font-size:20px;margin:0;flex:1}header a,header button{color:#fff}
header form{margin:0}header button{background:none;border:1px solid #fff;
border-radius:4px;padding:4px 12px;font-size:14px;cursor:pointer}
main{padding:12px 24px;display:grid;grid-template-columns:1fr 1fr;gap:12px}
section{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px #0002}
section.wide{grid-column:1 / span 2}h2{font-size:16px;margin:0 0 6px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;
border-bottom:1px solid #e3e6ea;font-size:14px}td.num,th.num{text-align:right}
.note{color:#5b6570;font-size:13px}.warn{color:#a4262c;font-weight:bold}
.big{font-size:22px;font-weight:bold}.login{max-width:360px;margin:80px auto;
background:#fff;padding:24px;border-radius:6px;box-shadow:0 1px 3px #0003}
.login label{display:block;margin:12px 0 4px}.login input{width:100%;padding:8px;
font-size:16px;box-sizing:border-box}.login button{margin-top:16px;padding:8px 24px;
font-size:16px}.error{color:#a4262c}
"""


def when(epoch: float | None, lang: str) -> str:
    if epoch is None:
        return text("never", lang)
    return datetime.fromtimestamp(epoch, HOST_TZ).strftime("%m-%d %H:%M:%S")


def yuan(fen: int | None) -> str:
    return "—" if fen is None else "¥" + to_yuan_string(int(fen))


def _page(lang: str, title: str, body: str, header_extra: str = "") -> str:
    other = "en" if lang == "zh" else "zh"
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/manager/style.css">'
            f'</head><body><header><h1>{escape(text("title", lang))}</h1>{header_extra}'
            f'<a href="?lang={other}" id="lang">{escape(text("language", lang))}</a></header>'
            f'{body}</body></html>')


def login_page(lang: str, csrf: str, error: str = "") -> str:
    t = lambda key: escape(text(key, lang))  # noqa: E731
    message = f'<p class="error" role="alert">{t(error)}</p>' if error else ""
    body = (f'<form class="login" method="post" action="/manager/login">'
            f'<h2>{t("login_title")}</h2>{message}'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<label for="username">{t("username")}</label>'
            f'<input id="username" name="username" autocomplete="username" required>'
            f'<label for="password">{t("password")}</label>'
            f'<input id="password" name="password" type="password" '
            f'autocomplete="current-password" required>'
            f'<button type="submit">{t("login")}</button></form>')
    return _page(lang, text("login_title", lang), body)


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(f'<th{" class=num" if num else ""}>{escape(h)}</th>' for h, num in headers)
    body = "".join("<tr>" + "".join(
        f'<td{" class=num" if headers[i][1] else ""}>{cell}</td>' for i, cell in enumerate(row))
        + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def overview_page(view: Overview, lang: str, username: str, csrf: str, now: float) -> str:
    t = lambda key: text(key, lang)  # noqa: E731
    e = escape
    store = f'{t("store")} {view.store_id}' if view.store_id else t("all_stores")
    logout = (f'<span>{e(username)} · {e(store)}</span>'
              f'<form method="post" action="/manager/logout"><input type="hidden" '
              f'name="csrf" value="{e(csrf)}"><button type="submit">{e(t("logout"))}'
              f'</button></form>')
    takings = _table(
        [(t("terminal"), False), (t("tender"), False), (t("online_offline"), False),
         (t("count"), True), (t("amount"), True)],
        [[e(r["terminal_id"]), e(t(r["tender"])), e(t("offline" if r["offline"] else "online")),
          str(r["count"]), yuan(r["net_fen"])] for r in view.takings], t("no_takings"))
    takings += (f'<p><span class="big">{e(t("total"))} {yuan(view.takings_total_fen)}</span> '
                f'· {e(t("declined_today"))} {view.declined_today} '
                f'<span class="note">{e(t("day"))} {e(view.day)}</span></p>')
    backlog_rows = [[e(r["terminal_id"]), str(r["backlog_count"] or 0), yuan(r["backlog_fen"]),
                     e(when(r["backlog_oldest_at"], lang) if r["backlog_count"] else "—")]
                    for r in view.terminals]
    backlog = (f'<p class="note">{e(t("backlog_note"))}</p>' + _table(
        [(t("terminal"), False), (t("count"), True), (t("amount"), True), (t("oldest"), False)],
        backlog_rows, t("no_terminals")) + f'<p>{e(t("batches_today"))}: '
        f'{view.batches_today.get("batches", 0)} / {view.batches_today.get("records", 0)}</p>')
    exceptions = _table(
        [(t("when"), False), (t("kind"), False), (t("terminal"), False), (t("trade"), False),
         (t("member").capitalize(), False), (t("amount"), True), (t("reason"), False)],
        [[e(when(x["created_at"], lang)), e(t(x["kind"]) if x["kind"] in (
            "late_decline", "invalid_record", "context_inconsistent") else x["kind"]),
          e(x["terminal_id"]), e(x["out_trade_no"]), e(x["member_id"]), yuan(x["amount_fen"]),
          e(x["reason_code"])] for x in view.exceptions], t("no_exceptions"))
    terminal_rows = []
    for r in view.terminals:
        seen = e(when(r["last_seen_at"], lang))
        if r["last_seen_at"] is None or now - r["last_seen_at"] > STALE_AFTER_S:
            seen = f'<span class="warn" title="{e(t("stale"))}">{seen}</span>'
        applied = r["gallery_applied"]
        gallery = f'{"—" if applied is None else applied} / {r["gallery_current"]}'
        if (applied or 0) < r["gallery_current"]:
            gallery = f'<span class="warn">{gallery} {e(t("behind"))}</span>'
        terminal_rows.append([e(r["terminal_id"]), e(r["store_id"]), e(t(r["status"])), seen,
                              e(r["version"] or "—"), e(_diag(r["diag"])), gallery])
    terminals_html = _table(
        [(t("terminal"), False), (t("store"), False), (t("status"), False),
         (t("last_seen"), False), (t("version"), False), (t("diag"), False),
         (t("gallery"), False)], terminal_rows, t("no_terminals"))
    share = view.faces_enrolled_all_stores / view.filing_threshold
    warn = (f'<p class="warn">{e(t("filing_warning"))}</p>' if share >= 0.9 else "")
    members_html = (
        f'<table><tbody><tr><td>{e(t("members_active"))}</td><td class=num id="members-active">'
        f'{view.members_active}</td></tr><tr><td>{e(t("members_frozen"))}</td><td class=num>'
        f'{view.members_frozen}</td></tr><tr><td>{e(t("faces_enrolled"))}</td><td class=num '
        f'id="faces-enrolled">{view.faces_enrolled}</td></tr><tr><td>{e(t("filing"))}</td>'
        f'<td class=num id="filing">{view.faces_enrolled_all_stores:,} / '
        f'{view.filing_threshold:,} ({share:.2%})</td></tr></tbody></table>{warn}')
    body = (f'<main><section class="wide" id="takings"><h2>{e(t("takings"))}</h2>{takings}'
            f'</section><section id="backlog"><h2>{e(t("backlog"))}</h2>{backlog}</section>'
            f'<section id="members"><h2>{e(t("members"))}</h2>{members_html}</section>'
            f'<section class="wide" id="exceptions"><h2>{e(t("exceptions"))}</h2>{exceptions}'
            f'</section><section class="wide" id="terminals"><h2>{e(t("terminals"))}</h2>'
            f'{terminals_html}</section><p class="note">{e(t("read_only"))}</p></main>')
    return _page(lang, t("title"), body, logout)


def _diag(summary: Any) -> str:
    """The last self-check: its overall result and the checks that warned or failed."""
    try:
        diag = json.loads(summary) if summary else {}
    except ValueError:
        diag = {}
    if not isinstance(diag, dict) or not diag:
        return "—"
    names = [str(n) for key in ("failed", "warned") for n in (diag.get(key) or [])
             if isinstance(diag.get(key), list)]
    return " ".join([str(diag.get("overall", "?"))] + names)
