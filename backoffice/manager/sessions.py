"""Session cookies of the manager's page: stateless, signed, with a CSRF token.

The cookie is ``base64(json{u, exp, csrf, pw})`` + "." + HMAC-SHA256 under a secret
file (``keys/manager_session.key``, 0600, made on first use; copy it to every instance
with the signing keys). ``pw`` is a fingerprint of the user's password hash, so a new
password ends every older session. Forms carry the session's ``csrf`` token; the login
form (before a session exists) uses a double-submit cookie.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SESSION_COOKIE = "payterm_manager"
LOGIN_CSRF_COOKIE = "payterm_login_csrf"
_SECRET_BYTES = 32


def load_or_create_secret(path: Path) -> bytes:
    if path.exists():
        data = path.read_bytes()
        if len(data) >= _SECRET_BYTES:
            return data
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret = os.urandom(_SECRET_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:         # another worker made it first
        return path.read_bytes()
    try:
        os.write(fd, secret)
        os.fsync(fd)
    finally:
        os.close(fd)
    return secret


@dataclass(frozen=True)
class Session:
    username: str
    expires_at: float
    csrf: str
    password_tag: str


def password_tag(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class SessionSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def issue(self, username: str, password_hash: str, now: float, lifetime_s: float
              ) -> tuple[str, Session]:
        session = Session(username, now + lifetime_s, secrets.token_urlsafe(24),
                          password_tag(password_hash))
        body = base64.urlsafe_b64encode(json.dumps(
            {"u": session.username, "exp": session.expires_at, "csrf": session.csrf,
             "pw": session.password_tag}, separators=(",", ":")).encode())
        return body.decode() + "." + self._mac(body), session

    def read(self, cookie: str | None, now: float) -> Session | None:
        """The session of a genuine, unexpired cookie; None for anything else."""
        if not cookie or len(cookie) > 1024 or "." not in cookie:
            return None
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode()))
            session = Session(str(data["u"]), float(data["exp"]), str(data["csrf"]),
                              str(data["pw"]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None
        return session if now < session.expires_at else None


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
