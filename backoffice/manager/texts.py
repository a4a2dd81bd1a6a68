"""Every text of the manager's page in Simplified Chinese and English."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

TEXTS: dict[str, dict[str, str]] = {
    "title": {"zh": "payterm 门店管理", "en": "payterm store manager"},
    "login_title": {"zh": "店长登录", "en": "Store manager login"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "login": {"zh": "登录", "en": "Log in"},
    "logout": {"zh": "退出", "en": "Log out"},
    "login_failed": {"zh": "用户名或密码错误", "en": "Wrong username or password"},
    "login_throttled": {"zh": "尝试次数过多，请稍后再试",
                        "en": "Too many attempts; try again in a few minutes"},
    "form_expired": {"zh": "表单已过期，请重新登录", "en": "The form expired; log in again"},
    "all_stores": {"zh": "全部门店", "en": "all stores"},
    "store": {"zh": "门店", "en": "Store"},
    "day": {"zh": "营业日（北京时间）", "en": "Business day (Beijing time)"},
    "read_only": {"zh": "只读页面：修改请用 payterm-backoffice 命令",
                  "en": "Read only: changes are made with the payterm-backoffice command"},
    "takings": {"zh": "今日收款（按终端和支付方式，已扣退款）",
                "en": "Today's takings per terminal and tender (net of refunds)"},
    "terminal": {"zh": "终端", "en": "Terminal"},
    "tender": {"zh": "支付方式", "en": "Tender"},
    "online_offline": {"zh": "在线/离线", "en": "Online/offline"},
    "online": {"zh": "在线", "en": "online"},
    "offline": {"zh": "离线", "en": "offline"},
    "count": {"zh": "笔数", "en": "Trades"},
    "amount": {"zh": "金额", "en": "Amount"},
    "total": {"zh": "合计", "en": "Total"},
    "declined_today": {"zh": "今日拒绝笔数", "en": "Declined today"},
    "no_takings": {"zh": "今日暂无收款", "en": "No takings yet today"},
    "member": {"zh": "会员", "en": "member"},
    "cash": {"zh": "现金", "en": "cash"},
    "wallet": {"zh": "钱包", "en": "wallet"},
    "backlog": {"zh": "离线积压", "en": "Offline backlog"},
    "backlog_note": {"zh": "终端最近一次报告的未上传离线记录；今日收到批次",
                     "en": "Offline records not yet uploaded, as each terminal last reported; "
                           "batches received today"},
    "batches_today": {"zh": "今日批次/记录", "en": "Batches / records today"},
    "oldest": {"zh": "最早", "en": "Oldest"},
    "exceptions": {"zh": "待处理异常（含迟到拒绝）", "en": "Open exceptions and late declines"},
    "no_exceptions": {"zh": "没有待处理异常", "en": "No open exceptions"},
    "kind": {"zh": "类型", "en": "Kind"},
    "trade": {"zh": "交易号", "en": "Trade no."},
    "reason": {"zh": "原因", "en": "Reason"},
    "when": {"zh": "时间", "en": "When"},
    "late_decline": {"zh": "迟到拒绝", "en": "late decline"},
    "invalid_record": {"zh": "无效记录", "en": "invalid record"},
    "context_inconsistent": {"zh": "交易号冲突", "en": "number conflict"},
    "terminals": {"zh": "终端状态", "en": "Terminals"},
    "status": {"zh": "状态", "en": "Status"},
    "last_seen": {"zh": "最后联系", "en": "Last seen"},
    "version": {"zh": "版本", "en": "Version"},
    "diag": {"zh": "自检", "en": "Self-check"},
    "gallery": {"zh": "人脸库同步", "en": "Face gallery sync"},
    "never": {"zh": "从未", "en": "never"},
    "stale": {"zh": "超过10分钟未联系", "en": "silent for over 10 minutes"},
    "behind": {"zh": "未同步最新", "en": "behind"},
    "active": {"zh": "启用", "en": "active"},
    "disabled": {"zh": "停用", "en": "disabled"},
    "no_terminals": {"zh": "尚无终端", "en": "No terminals yet"},
    "members": {"zh": "会员与人脸登记", "en": "Members and enrolled faces"},
    "members_active": {"zh": "有效会员", "en": "Active members"},
    "members_frozen": {"zh": "冻结会员", "en": "Frozen members"},
    "faces_enrolled": {"zh": "已登记人脸人数", "en": "People with an enrolled face"},
    "filing": {"zh": "全部门店人脸登记人数 / 10万人备案门槛",
               "en": "Enrolled people, all stores / 100,000 filing threshold"},
    "filing_warning": {"zh": "接近或超过10万人：须向主管部门备案",
                       "en": "Near or over 100,000 people: the processing must be filed "
                             "with the authority"},
    "language": {"zh": "English", "en": "中文"},
}


def text(key: str, lang: str) -> str:
    return TEXTS[key][lang if lang in LANGUAGES else "zh"]


def pick_language(query_lang: str | None, cookie_lang: str | None,
                  accept_language: str) -> str:
    for choice in (query_lang, cookie_lang):
        if choice in LANGUAGES:
            return choice  # type: ignore[return-value]
    return "zh" if accept_language.lower().startswith("zh") or not accept_language \
        else ("zh" if "zh" in accept_language.lower().split(",")[0] else "en")
