"""The face gallery's calls of the terminal's host client (mixed into ``HostClient``).

``face_enrol`` sends a new enrolment (templates and the member's consent record) to the
back office; ``face_sync`` asks for the store gallery's changes after a version. Both
answers are checked against the request (``face_answer_checks``) before use; a refusal
raises HostRejected with the back office's sub_code (e.g. ``PAYTERM.MEMBER_NOT_FOUND``,
``PAYTERM.FACE_ALREADY_ENROLLED``, ``PAYTERM.FACE_NOT_CONFIGURED``). Templates are
never logged.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, Sequence

from drivers.host.answers import _rejected
from drivers.host.wire import METHOD_FACE_ENROL, METHOD_FACE_SYNC
from terminal.errors import OutcomeUnknown
from terminal.face_gallery_sync import ChangeAction, FaceEnrolled, GalleryChange, GalleryDelta
from terminal.host_messages import CODE_SUCCESS, CODE_SYSTEM_ERROR
from terminal.ports.face import ConsentRecord

if TYPE_CHECKING:
    from drivers.host.answer_checks import Asked
    from terminal.settings.host_section import HostSettings


class FaceHostCalls:
    """Needs the host client's ``_call``, ``_asked`` and ``_settings``."""

    if TYPE_CHECKING:                    # provided by HostClient
        _settings: HostSettings

        def _call(self, method: str, biz: dict[str, Any], asked: Asked, *,
                  connect_retries: int = 0) -> dict[str, Any]: ...

        def _asked(self, method: str, **echo: Any) -> Asked: ...

    def face_enrol(self, member_id: str, template_version: str, templates: Sequence[bytes],
                   consent: ConsentRecord) -> FaceEnrolled:
        """Idempotent at the back office: resending the same enrolment after
        OutcomeUnknown answers the first one."""
        biz = {"member_id": member_id, "template_version": template_version,
               "templates": [base64.b64encode(t).decode("ascii") for t in templates],
               "consent": {"version": consent.consent_version, "text": consent.consent_text,
                           "given_at": round(float(consent.given_at), 3),
                           "recorded_by": consent.recorded_by}}
        payload = self._call(METHOD_FACE_ENROL, biz, self._asked(
            METHOD_FACE_ENROL, member_id=member_id, templates_sent=len(templates)))
        if payload.get("code") == CODE_SYSTEM_ERROR:
            raise OutcomeUnknown("{}: the back office could not answer now".format(METHOD_FACE_ENROL))
        if payload.get("code") != CODE_SUCCESS:
            raise _rejected(payload, METHOD_FACE_ENROL)
        return FaceEnrolled(member_id, int(payload["gallery_version"]),
                            int(payload["templates_stored"]))

    def face_sync(self, since_version: int, template_version: str) -> GalleryDelta:
        """One page of the store gallery's changes after ``since_version``."""
        payload = self._call(
            METHOD_FACE_SYNC, {"since_version": since_version,
                               "template_version": template_version},
            self._asked(METHOD_FACE_SYNC, since_version=since_version),
            connect_retries=self._settings.connect_retries)
        if payload.get("code") == CODE_SYSTEM_ERROR:
            raise OutcomeUnknown("{}: the back office could not answer now".format(METHOD_FACE_SYNC))
        if payload.get("code") != CODE_SUCCESS:
            raise _rejected(payload, METHOD_FACE_SYNC)
        changes = []
        for item in payload["changes"]:
            action = ChangeAction(item["action"])
            try:
                templates = tuple(base64.b64decode(t, validate=True)
                                  for t in item.get("templates", ()) or ())
            except (binascii.Error, ValueError):
                raise OutcomeUnknown(f"face sync: a template of {item['member_id']} is not "
                                     "base64") from None
            changes.append(GalleryChange(item["member_id"], action, templates))
        return GalleryDelta(since_version=since_version,
                            gallery_version=int(payload["gallery_version"]),
                            more=payload["more"] == "Y", reset=payload["reset"] == "Y",
                            changes=tuple(changes))
