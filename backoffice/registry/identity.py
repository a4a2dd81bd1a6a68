"""Who sent a request: the terminal named in ``biz_content.terminal_id``, proven by its
registered key (docs/host.md, "Terminal identity refusals").

* no such terminal                     -> 40006 PAYTERM.TERMINAL_UNKNOWN
* registered but disabled              -> 40006 PAYTERM.TERMINAL_DISABLED
* signed by another registered key     -> 40006 PAYTERM.TERMINAL_ID_CONFLICT
  (two devices configured with one id, or a device still using a retired key)
* any other bad signature              -> 40002 isv.invalid-signature
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from sqlalchemy.engine import Connection

from backoffice.gateway.replies import Reply, forbidden, invalid
from backoffice.registry.terminals import TerminalStatus
from backoffice.signing_keys import parse_public_key
from backoffice.storage.schema import terminal_keys, terminals
from drivers.host.signing import verify_params

SUB_TERMINAL_UNKNOWN = "PAYTERM.TERMINAL_UNKNOWN"
SUB_TERMINAL_DISABLED = "PAYTERM.TERMINAL_DISABLED"
SUB_TERMINAL_ID_CONFLICT = "PAYTERM.TERMINAL_ID_CONFLICT"
SUB_BAD_SIGNATURE = "isv.invalid-signature"


@dataclass(frozen=True)
class Caller:
    """An authenticated terminal."""

    terminal_id: str
    store_id: str


class PublicKeyCache:
    """Parsed public keys by fingerprint (parsing PEM on every request is waste).
    Thread-safe, bounded."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._keys: OrderedDict[str, RSAPublicKey] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, fingerprint: str, pem: str) -> RSAPublicKey:
        with self._lock:
            key = self._keys.get(fingerprint)
            if key is not None:
                self._keys.move_to_end(fingerprint)
                return key
        key = parse_public_key(pem.encode("ascii"), source=f"key {fingerprint[:12]}")
        with self._lock:
            self._keys[fingerprint] = key
            while len(self._keys) > self._capacity:
                self._keys.popitem(last=False)
        return key


def authenticate(conn: Connection, terminal_id: str, params: dict[str, str],
                 keys: PublicKeyCache, *,
                 may_search_conflicts: Callable[[], bool] = lambda: True) -> Caller | Reply:
    """The caller, or the refusal to answer. When the signature does not verify and
    ``may_search_conflicts()`` allows it (a per-process budget: the search verifies
    against every registered key), other keys are tried to tell an id conflict."""
    row = conn.execute(sa.select(terminals.c.store_id, terminals.c.status,
                                 terminals.c.key_fingerprint, terminals.c.public_key_pem)
                       .where(terminals.c.terminal_id == terminal_id)).first()
    if row is None:
        return forbidden(SUB_TERMINAL_UNKNOWN,
                         f"终端未登记 terminal {terminal_id} is not registered at the back office")
    if row.status != TerminalStatus.ACTIVE:
        return forbidden(SUB_TERMINAL_DISABLED,
                         f"终端已停用 terminal {terminal_id} is disabled at the back office")
    if verify_params(params, keys.get(row.key_fingerprint, row.public_key_pem)):
        return Caller(terminal_id=terminal_id, store_id=row.store_id)
    if may_search_conflicts():
        owner = _other_key_owner(conn, params, keys, row.key_fingerprint)
        if owner is not None:
            whose = ("a retired key of this terminal" if owner == terminal_id
                     else f"the key of terminal {owner}")
            return forbidden(SUB_TERMINAL_ID_CONFLICT,
                             f"终端号冲突 terminal id {terminal_id} is registered with another "
                             f"key; this request was signed with {whose}")
    return invalid(SUB_BAD_SIGNATURE, "验签出错 invalid signature (not signed with the key "
                                      f"registered for terminal {terminal_id})")


def _other_key_owner(conn: Connection, params: dict[str, str], keys: PublicKeyCache,
                     current_fingerprint: str) -> str | None:
    rows = conn.execute(sa.select(terminal_keys.c.key_fingerprint, terminal_keys.c.terminal_id,
                                  terminal_keys.c.public_key_pem)
                        .where(terminal_keys.c.key_fingerprint != current_fingerprint))
    for fingerprint, owner, pem in rows:
        if verify_params(params, keys.get(fingerprint, pem)):
            return str(owner)
    return None
