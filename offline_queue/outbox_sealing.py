"""Sensitive outbox fields at rest: the member id (tied to a face match) and the match
evidence are AES-GCM encrypted (FieldCipher); limits per member are looked up through a
keyed hash (HMAC-SHA256) of the member id, so the database alone never names a member.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from offline_queue.field_cipher import FieldCipher, load_or_create_key

_MEMBER_PURPOSE = "outbox.member_id"
_EVIDENCE_PURPOSE = "outbox.evidence"


class OutboxSealer:
    """Thread-safe (stateless after construction)."""

    def __init__(self, key: bytes) -> None:
        self._cipher = FieldCipher(key)
        # A separate key for the lookup hash, derived so one key file serves both.
        self._mac_key = hmac.new(key, b"payterm outbox member key v1", hashlib.sha256).digest()

    @classmethod
    def from_key_file(cls, path: Path) -> "OutboxSealer":
        """Load (or create, 0600) the store key at ``path``. Raises ConfigError."""
        return cls(load_or_create_key(path))

    def member_key(self, member_id: str) -> str:
        if not member_id:
            return ""
        return hmac.new(self._mac_key, member_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def seal_member(self, member_id: str) -> bytes | None:
        return self._cipher.encrypt_text(member_id, _MEMBER_PURPOSE) if member_id else None

    def open_member(self, blob: bytes | None) -> str:
        return self._cipher.decrypt_text(blob, _MEMBER_PURPOSE) if blob else ""

    def seal_evidence(self, evidence: dict[str, Any]) -> bytes | None:
        if not evidence:
            return None
        text = json.dumps(evidence, ensure_ascii=False, sort_keys=True)
        return self._cipher.encrypt_text(text, _EVIDENCE_PURPOSE)

    def open_evidence(self, blob: bytes | None) -> dict[str, Any]:
        return json.loads(self._cipher.decrypt_text(blob, _EVIDENCE_PURPOSE)) if blob else {}
