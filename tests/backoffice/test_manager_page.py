"""The store manager's page over real HTTP on both databases: login with a hashed
password, session cookie and CSRF, what it shows, the store scope, both languages, and
the refusals (wrong password, throttling, forged or expired cookies, cross-site posts)."""

from __future__ import annotations

import re
import time

import httpx
import pytest
import sqlalchemy as sa

from backoffice.manager.accounts import add_user, set_password
from backoffice.manager.sessions import SESSION_COOKIE
from backoffice.storage.schema import terminals
from backoffice.storage.schema_faces import manager_users
from terminal.host_batch_messages import OfflineRecord, OfflineTender
from terminal.host_messages import MemberPayRequest
from tests.backoffice.harness import in_transaction
from tests.backoffice.test_faces import RECOGNIZER, consent, template

PASSWORD = "correct horse 12"


@pytest.fixture
def page(backoffice, terminal, client):
    """A back office with a manager login, some takings, an offline record declined late
    and a terminal that reported its backlog."""
    in_transaction(backoffice.engine, lambda conn, now: add_user(conn, "li", PASSWORD, "", now))
    client.member_pay(MemberPayRequest(out_trade_no="T0001A1", member_id="M001",
                                       total_fen=1234, subject="牛奶", terminal_id="T0001"))
    client.upload_offline_batch([OfflineRecord(
        out_trade_no="T0001OFF1", tender=OfflineTender.MEMBER, member_id="M002", amount_fen=99_900,
        created_at_epoch_s=time.time() - 60, terminal_id="T0001", subject="late")])
    client.ping({"version": "0.2.0", "offline_backlog": {"count": 3, "amount": "45.60",
                                                         "oldest_created_at": time.time() - 900},
                 "diag": {"overall": "warn", "warned": ["printer"], "failed": []}})
    client.face_enrol("M001", RECOGNIZER, [template(1), template(2)], consent())
    client.face_sync(client.face_sync(0, RECOGNIZER).gallery_version, RECOGNIZER)
    base = backoffice.url.replace("/gateway.do", "")
    with httpx.Client(base_url=base, trust_env=False, follow_redirects=False) as browser:
        yield backoffice, browser


def log_in(browser: httpx.Client, username: str = "li", password: str = PASSWORD,
           **extra) -> httpx.Response:
    form = browser.get("/manager/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return browser.post("/manager/login", data={"csrf": token, "username": username,
                                                "password": password, **extra})


def test_login_then_the_overview_shows_what_the_manager_needs(page):
    _, browser = page
    assert browser.get("/manager/").headers["location"] == "/manager/login"
    answer = log_in(browser)
    assert answer.status_code == 303 and answer.headers["location"] == "/manager/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    html = browser.get("/manager/?lang=zh").text
    assert "今日收款" in html and "¥12.34" in html and "T0001" in html
    assert "迟到拒绝" in html and "T0001OFF1" in html and "ACQ.BUYER_BALANCE_NOT_ENOUGH" in html
    assert "¥45.60" in html and "warn printer" in html and "0.2.0" in html
    assert "100,000" in html and 'id="faces-enrolled">1<' in html
    english = browser.get("/manager/?lang=en").text
    assert "takings per terminal and tender" in english and "late decline" in english
    assert "takings per terminal and tender" in browser.get("/manager/").text    # the choice is remembered
    headers = browser.get("/manager/").headers
    assert "script" not in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store" and headers["x-frame-options"] == "DENY"


def test_wrong_passwords_are_refused_and_throttled(page):
    _, browser = page
    for _ in range(5):
        assert log_in(browser, password="wrong password!").status_code == 401
    answer = log_in(browser)                    # even the right one, for a while
    assert answer.status_code == 429 and "尝试次数过多" in answer.text
    assert log_in(browser, username="nobody").status_code == 401


def test_a_login_without_its_csrf_token_is_refused(page):
    _, browser = page
    browser.get("/manager/login")
    answer = browser.post("/manager/login", data={"csrf": "forged", "username": "li",
                                                  "password": PASSWORD})
    assert answer.status_code == 400 and SESSION_COOKIE not in answer.headers.get(
        "set-cookie", "")


def test_forged_and_outdated_sessions_are_refused(page):
    backoffice, browser = page
    log_in(browser)
    cookie = browser.cookies[SESSION_COOKIE]
    body, mac = cookie.rsplit(".", 1)
    browser.cookies.set(SESSION_COOKIE, body + "." + "0" * len(mac), path="/manager")
    assert browser.get("/manager/").status_code == 303
    browser.cookies.set(SESSION_COOKIE, cookie, path="/manager")
    assert browser.get("/manager/").status_code == 200
    in_transaction(backoffice.engine, lambda conn, now: set_password(conn, "li",
                                                                     "a new password 34"))
    assert browser.get("/manager/").status_code == 303      # a new password ends it


def test_logout_needs_the_sessions_csrf_token(page):
    _, browser = page
    log_in(browser)
    assert browser.post("/manager/logout", data={"csrf": "x"}).status_code == 403
    token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/manager/").text).group(1)
    answer = browser.post("/manager/logout", data={"csrf": token})
    assert answer.status_code == 303 and f'{SESSION_COOKIE}=""' in answer.headers["set-cookie"]


def test_a_store_login_sees_only_its_store(page, key_pool):
    backoffice, browser = page
    from tests.backoffice.harness import TerminalIdentity
    backoffice.register(TerminalIdentity("T0009", "S2", key_pool[3]))
    in_transaction(backoffice.engine, lambda conn, now: add_user(conn, "wang", PASSWORD, "S2",
                                                                 now))
    log_in(browser, username="wang")
    html = browser.get("/manager/?lang=en").text
    assert "T0009" in html and "T0001" not in html and "¥12.34" not in html
    with backoffice.engine.connect() as conn:
        stored = conn.execute(sa.select(manager_users.c.password_hash)).scalars().all()
        assert all(h.startswith("scrypt$") and PASSWORD not in h for h in stored)
        assert conn.execute(sa.select(sa.func.count()).select_from(terminals)).scalar() == 2
