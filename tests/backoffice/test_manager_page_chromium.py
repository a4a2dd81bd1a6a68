"""The store manager's page in Debian's headless Chromium: a person logs in, reads
today's figures in Chinese and English, and the page fits a 1280x800 screen.
Screenshots go to ``$PAYTERM_SCREENSHOT_DIR`` (default: the test's temp folder);
docs/images/backoffice-manager-*.png were made this way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.backoffice.chromium_pipe import Chromium, chromium_binary
from tests.backoffice.test_manager_page import PASSWORD, page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_binary() is None,
                                 reason="Debian's chromium is not installed (./dev.sh setup)")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_manager_logs_in_and_reads_the_day_in_both_languages(page, tmp_path):  # noqa: F811
    backoffice, _ = page
    base = backoffice.url.replace("/gateway.do", "")
    shots = Path(os.environ.get("PAYTERM_SCREENSHOT_DIR", tmp_path))
    browser = Chromium()
    try:
        browser.open(f"{base}/manager/?lang=zh")     # chosen once, then remembered
        assert browser.evaluate("location.pathname") == "/manager/login"
        browser.submit_form({"username": "li", "password": "wrong password"})
        assert "用户名或密码错误" in browser.evaluate("document.body.innerText")
        browser.submit_form({"username": "li", "password": PASSWORD})
        assert browser.evaluate("location.pathname") == "/manager/"
        text = browser.evaluate("document.body.innerText")
        for expected in ("今日收款", "¥12.34", "迟到拒绝", "T0001OFF1", "¥45.60",
                         "10万人备案门槛", "T0001"):
            assert expected in text, expected
        assert browser.evaluate("document.documentElement.scrollWidth") <= 1280
        browser.screenshot(shots / "backoffice-manager-zh.png")
        browser.open(f"{base}/manager/?lang=en")
        text = browser.evaluate("document.body.innerText")
        assert "Today's takings per terminal and tender" in text and "late decline" in text
        assert browser.evaluate("document.documentElement.scrollWidth") <= 1280
        browser.screenshot(shots / "backoffice-manager-en.png")
        assert (shots / "backoffice-manager-zh.png").stat().st_size > 10_000
    finally:
        browser.close()
