"""Logins of the manager's page: scrypt password hashes in ``manager_users``.

A password is at least 10 characters; the hash is ``scrypt$N$r$p$salt$hash`` (base64),
compared in constant time. A user may be limited to one store ("" sees every store).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backoffice.errors import NotFound, SettingError
from backoffice.storage.schema import stores
from backoffice.storage.schema_faces import manager_users

MIN_PASSWORD = 10
MAX_PASSWORD = 256
_N, _R, _P = 2 ** 14, 8, 1
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


@dataclass(frozen=True)
class ManagerUser:
    username: str
    store_id: str            # "" = every store
    password_hash: str


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(_N, _R, _P, base64.b64encode(salt).decode(),
                                          base64.b64encode(digest).decode())


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def check_new_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise SettingError("--password", f"a password has {MIN_PASSWORD}-{MAX_PASSWORD} "
                                         "characters / 密码长度 10-256 个字符")
    return password


def add_user(conn: Connection, username: str, password: str, store_id: str,
             now: float) -> ManagerUser:
    if not _USERNAME.match(username or ""):
        raise SettingError("--username", "1-32 of A-Z a-z 0-9 _ . -")
    if store_id and conn.execute(sa.select(stores.c.store_id)
                                 .where(stores.c.store_id == store_id)).first() is None:
        raise NotFound(f"no store {store_id} / 门店 {store_id} 不存在")
    if find_user(conn, username) is not None:
        raise SettingError("--username", f"{username} already exists; use `manager passwd`")
    hashed = hash_password(check_new_password(password))
    conn.execute(manager_users.insert().values(username=username, password_hash=hashed,
                                               store_id=store_id, created_at=now))
    return ManagerUser(username, store_id, hashed)


def set_password(conn: Connection, username: str, password: str) -> None:
    hashed = hash_password(check_new_password(password))
    if not conn.execute(manager_users.update().where(manager_users.c.username == username)
                        .values(password_hash=hashed, disabled_at=None)).rowcount:
        raise NotFound(f"no manager login {username}")


def disable_user(conn: Connection, username: str, now: float) -> None:
    if not conn.execute(manager_users.update().where(manager_users.c.username == username)
                        .values(disabled_at=now)).rowcount:
        raise NotFound(f"no manager login {username}")


def find_user(conn: Connection, username: str) -> ManagerUser | None:
    row = conn.execute(sa.select(manager_users).where(
        manager_users.c.username == username, manager_users.c.disabled_at.is_(None))
    ).mappings().first()
    return None if row is None else ManagerUser(row["username"], row["store_id"],
                                                row["password_hash"])


def list_users(conn: Connection) -> list[dict]:
    return [dict(row) for row in conn.execute(
        sa.select(manager_users.c.username, manager_users.c.store_id,
                  manager_users.c.created_at, manager_users.c.disabled_at)
        .order_by(manager_users.c.username)).mappings()]


def authenticate(conn: Connection, username: str, password: str) -> ManagerUser | None:
    """The user when the password is right; None otherwise (same work either way)."""
    user = find_user(conn, username) if _USERNAME.match(username or "") else None
    stored = user.password_hash if user else _DUMMY_HASH
    ok = password_matches(password[:MAX_PASSWORD], stored)
    return user if (ok and user is not None) else None


_DUMMY_HASH = hash_password("not-a-password-of-anyone")
