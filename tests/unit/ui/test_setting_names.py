"""Every setting the technician screen lists has a Chinese name of its own: no raw key
words in the Chinese screen, no two settings with the same name."""

from __future__ import annotations

import re

from terminal.settings.model import settings_from
from ui.kiosk.screens.setting_labels import setting_label
from ui.services.settings_editor import flatten

#: Latin words a Chinese technician reads as they are.
KEPT = ("CelebA", "TLS", "POIID", "ID", "MB")


def chinese_labels() -> dict[str, str]:
    return {row.key: setting_label(row.key, english=False)
            for row in flatten(settings_from({}, {}))}


def test_every_setting_has_a_chinese_name():
    untranslated = []
    for key, text in chinese_labels().items():
        rest = text
        for word in KEPT:
            rest = rest.replace(word, "")
        if re.search(r"[A-Za-z]{2,}", rest):
            untranslated.append(f"{key}: {text}")
    assert not untranslated, "\n".join(untranslated)


def test_no_two_settings_read_the_same():
    labels = chinese_labels()
    assert len(set(labels.values())) == len(labels)


def test_wallet_tables_and_units_are_named():
    assert setting_label("resolver.wechat.poll_interval_s", english=False) == \
        "结果确认 · 微信支付 · 查询间隔 (秒)"
    assert setting_label("terminal.max_amount_fen", english=False) == "终端 · 单笔最大金额 (元)"
    assert setting_label("terminal.max_amount_fen", english=True) == \
        "Terminal · max amount (yuan)"
    # A key with no name yet still reads as words (and the first test fails on it).
    assert setting_label("terminal.new_thing_s", english=False) == "终端 · new thing (秒)"
