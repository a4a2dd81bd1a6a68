"""Wallet secrets at rest: sealed (Fernet: AES-128-CBC + HMAC-SHA256) with a key file in
the data directory's ``keys/`` (``wallet_secrets.key``, 0600, made on first use), so the
database alone (a backup, a replica, a support bundle) never holds a usable wallet key.
Every instance of a chain needs the same key file, like the signing key pair."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "wallet_secrets.key"


class SealingError(Exception):
    pass


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, secrets: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()

    def unseal(self, token: str) -> dict[str, Any]:
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError) as exc:
            raise SealingError("the wallet secrets cannot be opened with this data "
                               f"directory's {KEY_FILE} (copied from another instance?)"
                               ) from exc


def ensure_sealer(keys_dir: Path) -> Sealer:
    """The sealer of this data directory; the key file is made (0600) on first use."""
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / KEY_FILE
    if not path.exists():
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass                       # another process made it first
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
                handle.flush()
                os.fsync(handle.fileno())
    os.chmod(path, 0o600)
    return Sealer(path.read_bytes().strip())
