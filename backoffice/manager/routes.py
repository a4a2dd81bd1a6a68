"""The manager page's routes, mounted at ``/manager`` beside the gateway.

* ``GET /manager/`` the overview (a login first), ``GET|POST /manager/login``,
  ``POST /manager/logout``, ``GET /manager/style.css``; ``?lang=zh|en`` switches the
  language (remembered in a cookie).
* Login: scrypt-checked password, at most ``MAX_FAILURES`` wrong ones per user name in
  ``FAILURE_WINDOW_S`` per process; the form carries a double-submit CSRF token.
* Session: a signed, HttpOnly, SameSite=Strict cookie (``sessions``); logout needs the
  session's CSRF token. Every answer: no caching, no framing, a CSP without scripts.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from typing import Callable
from urllib.parse import parse_qs

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from backoffice.manager import accounts
from backoffice.manager.overview import build_overview
from backoffice.manager.render import CSS, login_page, overview_page
from backoffice.manager.sessions import (LOGIN_CSRF_COOKIE, SESSION_COOKIE, SessionSigner,
                                         password_tag, tokens_match)
from backoffice.manager.texts import pick_language

MAX_FAILURES = 5
FAILURE_WINDOW_S = 300.0
MAX_FORM_BYTES = 4096
LANG_COOKIE = "payterm_lang"
_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'none'; style-src 'self'; "
                                       "form-action 'self'; frame-ancestors 'none'"}


class _Failures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, username: str, now: float) -> bool:
        with self._lock:
            times = self._by_user[username.lower()]
            while times and now - times[0] > FAILURE_WINDOW_S:
                times.popleft()
            return len(times) >= MAX_FAILURES

    def add(self, username: str, now: float) -> None:
        with self._lock:
            self._by_user[username.lower()].append(now)


def manager_routes(engine: sa.Engine, signer: SessionSigner, session_hours: float, *,
                   clock: Callable[[], float] = time.time) -> list[BaseRoute]:
    failures = _Failures()

    def secure(request: Request) -> bool:
        return request.url.scheme == "https" or \
            request.headers.get("x-forwarded-proto", "") == "https"

    def respond(request: Request, response: Response, lang: str) -> Response:
        response.headers.update(_HEADERS)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/manager",
                                samesite="strict", secure=secure(request))
        return response

    def language(request: Request) -> str:
        return pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                             request.headers.get("accept-language", ""))

    def show_login(request: Request, lang: str, error: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        response = HTMLResponse(login_page(lang, token, error), status_code=status)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, path="/manager",
                            httponly=True, samesite="strict", secure=secure(request))
        return respond(request, response, lang)

    def current_user(request: Request) -> tuple[accounts.ManagerUser, str] | None:
        session = signer.read(request.cookies.get(SESSION_COOKIE), clock())
        if session is None:
            return None
        with engine.connect() as conn:
            user = accounts.find_user(conn, session.username)
        if user is None or password_tag(user.password_hash) != session.password_tag:
            return None                    # disabled, or the password changed since
        return user, session.csrf

    async def overview(request: Request) -> Response:
        lang = language(request)
        found = await run_in_threadpool(current_user, request)
        if found is None:
            return respond(request, RedirectResponse("/manager/login", 303), lang)
        user, csrf = found

        def read() -> str:
            now = clock()
            with engine.connect() as conn:
                view = build_overview(conn, user.store_id, now)
            return overview_page(view, lang, user.username, csrf, now)

        return respond(request, HTMLResponse(await run_in_threadpool(read)), lang)

    async def login_form(request: Request) -> Response:
        return show_login(request, language(request))

    async def login(request: Request) -> Response:
        lang = language(request)
        form = await _small_form(request)
        if form is None or not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE),
                                            form.get("csrf")):
            return show_login(request, lang, "form_expired", 400)
        username, password = form.get("username", ""), form.get("password", "")
        now = clock()
        if failures.blocked(username, now):
            return show_login(request, lang, "login_throttled", 429)

        def check() -> accounts.ManagerUser | None:
            with engine.connect() as conn:
                return accounts.authenticate(conn, username, password)

        user = await run_in_threadpool(check)
        if user is None:
            failures.add(username, now)
            return show_login(request, lang, "login_failed", 401)
        cookie, _ = signer.issue(user.username, user.password_hash, now, session_hours * 3600)
        response = RedirectResponse("/manager/", 303)
        response.set_cookie(SESSION_COOKIE, cookie, max_age=int(session_hours * 3600),
                            path="/manager", httponly=True, samesite="strict",
                            secure=secure(request))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/manager")
        return respond(request, response, lang)

    async def logout(request: Request) -> Response:
        lang = language(request)
        session = signer.read(request.cookies.get(SESSION_COOKIE), clock())
        form = await _small_form(request)
        if session is None or form is None or not tokens_match(session.csrf, form.get("csrf")):
            return respond(request, HTMLResponse("CSRF / 表单无效", status_code=403), lang)
        response = RedirectResponse("/manager/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/manager")
        return respond(request, response, lang)

    async def style(request: Request) -> Response:
        response = Response(CSS, media_type="text/css; charset=utf-8")
        response.headers.update(_HEADERS)
        return response

    async def to_overview(request: Request) -> Response:
        return RedirectResponse("/manager/", 308)

    return [Route("/manager", to_overview, methods=["GET"]),
            Route("/manager/", overview, methods=["GET"]),
            Route("/manager/login", login_form, methods=["GET"]),
            Route("/manager/login", login, methods=["POST"]),
            Route("/manager/logout", logout, methods=["POST"]),
            Route("/manager/style.css", style, methods=["GET"])]


async def _small_form(request: Request) -> dict[str, str] | None:
    """The url-encoded form, or None when it is too large or not a form."""
    if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        return None
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        parsed = parse_qs(body.decode("utf-8"), max_num_fields=10, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[0] for key, values in parsed.items()}
