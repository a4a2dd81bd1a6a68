"""``payterm.face.enrol`` and ``payterm.face.sync`` at the back office.

enrol: ``terminal_id``, ``member_id``, ``template_version`` (the recognizer's), 1..10
base64 ``templates``, and ``consent`` {``version``, ``text``, ``given_at``,
``recorded_by``}. The member must be an active member of the terminal's store without
a live enrolment; a resent identical request answers the first one. Answer:
``member_id``, ``gallery_version``, ``templates_stored``.

sync: ``terminal_id``, ``since_version`` (the gallery version the terminal has applied,
0 at first), ``template_version``. Answer: ``since_version``, ``gallery_version`` (apply
the changes, then remember it), ``more`` (Y: ask again from it), ``reset`` (Y: drop the
whole local gallery first: the back office's database is older than the terminal's
state), ``changes`` [{``member_id``, ``action`` add|remove, ``templates``}]. Asking
"since V" is the terminal's receipt that it applied V (``face_sync_status``).
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from backoffice.faces.gallery import (AlreadyEnrolled, Consent, gallery_delta,
                                      store_enrolment)
from backoffice.faces.reports import enrolled_count, record_sync
from backoffice.faces.template_key import TemplateCipher
from backoffice.gateway import fields
from backoffice.gateway.fields import SUB_INVALID, SUB_MISSING, BadField
from backoffice.gateway.replies import Reply, business_failed, success
from backoffice.members.accounts import find_member
from backoffice.registry.identity import Caller
from backoffice.trades.answers import decline_message
from backoffice.trades.member_pay import member_refusal

MAX_TEMPLATES = 10
MIN_TEMPLATE_BYTES, MAX_TEMPLATE_BYTES = 64, 8192
MAX_CONSENT_TEXT = 4000
SUB_FACE_NOT_CONFIGURED = "PAYTERM.FACE_NOT_CONFIGURED"
SUB_FACE_ALREADY_ENROLLED = "PAYTERM.FACE_ALREADY_ENROLLED"
NOT_CONFIGURED = ("后台未配置人脸模板密钥，暂不能登记或同步人脸 / face templates are not configured at "
                  "this back office (no template key); member face-pay is unavailable")
ALREADY_ENROLLED = ("该会员已登记人脸，请先删除再重新登记 / this member already has a face enrolment; "
                    "delete it first to enrol again")


@dataclass(frozen=True)
class FaceEnrol:
    member_id: str
    template_version: str
    templates: list[bytes]
    consent: Consent


@dataclass(frozen=True)
class FaceSync:
    since_version: int
    template_version: str


def _templates(biz: dict[str, Any]) -> list[bytes]:
    raw = biz.get("templates")
    if not isinstance(raw, list) or not raw:
        raise BadField(SUB_MISSING, "templates must be a non-empty list", "templates")
    if len(raw) > MAX_TEMPLATES:
        raise BadField(SUB_INVALID, f"at most {MAX_TEMPLATES} templates", "templates")
    out = []
    for item in raw:
        try:
            blob = base64.b64decode(item, validate=True) if isinstance(item, str) else b""
        except (binascii.Error, ValueError):
            blob = b""
        if not MIN_TEMPLATE_BYTES <= len(blob) <= MAX_TEMPLATE_BYTES:
            raise BadField(SUB_INVALID, f"templates: each is base64 of {MIN_TEMPLATE_BYTES}-"
                                        f"{MAX_TEMPLATE_BYTES} bytes", "templates")
        out.append(blob)
    return out


def _consent(biz: dict[str, Any]) -> Consent:
    raw = biz.get("consent")
    if not isinstance(raw, dict):
        raise BadField(SUB_MISSING, "consent is required: the member's recorded consent "
                                    "(version, text, given_at, recorded_by)", "consent")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadField(SUB_MISSING, "consent.text is required", "consent.text")
    if len(text) > MAX_CONSENT_TEXT:
        raise BadField(SUB_INVALID, f"consent.text over {MAX_CONSENT_TEXT} characters",
                       "consent.text")
    given_at = raw.get("given_at")
    if (isinstance(given_at, bool) or not isinstance(given_at, (int, float))
            or not math.isfinite(given_at) or given_at <= 0):
        raise BadField(SUB_INVALID, "consent.given_at must be epoch seconds",
                       "consent.given_at")
    return Consent(version=fields.text(raw, "version", max_len=32),
                   text=text, given_at=float(given_at),
                   recorded_by=fields.text(raw, "recorded_by", max_len=64))


def parse_enrol(biz: dict[str, Any]) -> FaceEnrol:
    return FaceEnrol(member_id=fields.identifier(biz, "member_id"),
                     template_version=fields.text(biz, "template_version"),
                     templates=_templates(biz), consent=_consent(biz))


def parse_sync(biz: dict[str, Any]) -> FaceSync:
    since = biz.get("since_version")
    if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since < 2 ** 62:
        raise BadField(SUB_INVALID, "since_version must be a whole number >= 0",
                       "since_version")
    return FaceSync(since_version=since,
                    template_version=fields.text(biz, "template_version"))


def run_enrol(cipher: TemplateCipher | None):
    def run(conn: Connection, caller: Caller, ask: FaceEnrol, now: float) -> Reply:
        if cipher is None:
            return business_failed(SUB_FACE_NOT_CONFIGURED, NOT_CONFIGURED,
                                   member_id=ask.member_id)
        member = find_member(conn, ask.member_id, for_update=True)
        refusal = member_refusal(member, caller.store_id)
        if refusal:
            return business_failed(refusal, decline_message(refusal), member_id=ask.member_id)
        try:
            result = store_enrolment(
                conn, cipher, store_id=caller.store_id, member_id=ask.member_id,
                terminal_id=caller.terminal_id, template_version=ask.template_version,
                templates=ask.templates, consent=ask.consent, now=now)
        except AlreadyEnrolled:
            return business_failed(SUB_FACE_ALREADY_ENROLLED, ALREADY_ENROLLED,
                                   member_id=ask.member_id)
        return success(member_id=ask.member_id, gallery_version=result.gallery_version,
                       templates_stored=result.templates_stored)
    return run


def run_sync(cipher: TemplateCipher | None):
    def run(conn: Connection, caller: Caller, ask: FaceSync, now: float) -> Reply:
        if cipher is None:
            return business_failed(SUB_FACE_NOT_CONFIGURED, NOT_CONFIGURED,
                                   since_version=ask.since_version)
        delta = gallery_delta(conn, cipher, caller.store_id, ask.since_version,
                              ask.template_version)
        # Its receipt: it has applied since_version (nothing, when it must start over).
        applied = ask.since_version if delta["reset"] == "N" else 0
        record_sync(conn, caller.terminal_id, caller.store_id, applied, now)
        return success(since_version=ask.since_version,
                       enrolled=enrolled_count(conn, caller.store_id), **delta)
    return run
