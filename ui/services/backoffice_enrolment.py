"""Enrolment at the back office (setting ``face.enrol_at_back_office``): a face store
whose ``enrol`` first sends the templates and the consent record to the back office
(``payterm.face.enrol``), then keeps a local copy so the member pays at this kiosk at
once; every other kiosk of the store gets the member by the gallery sync, which also
replaces this copy with the back office's. Everything else is the local store's.

Nothing is stored when the back office refuses or cannot be reached: the kiosk shows
the back office's reason (e.g. member not found, already enrolled) or asks to try
again; a resend after an unknown outcome is answered like the first by the back office.
"""

from __future__ import annotations

from terminal.errors import HostRejected, UserFacingError
from terminal.ports.face import ConsentRecord

REFUSED = "后台拒绝登记：{reason} / The back office refused the enrolment: {reason}"


class BackOfficeEnrolmentStore:
    def __init__(self, store, host) -> None:
        self._store = store
        self._host = host

    def enrol(self, member_id: str, phone: str, templates: list[bytes], version: str,
              consent: ConsentRecord, *, name: str = "") -> None:
        """``name`` (optional) stays in this kiosk's local copy only: the back office's
        enrolment carries templates and consent, not the name."""
        try:
            self._host.face_enrol(member_id, version, templates, consent)
        except HostRejected as exc:
            raise UserFacingError(REFUSED.format(reason=exc.sub_msg or exc.sub_code)) from exc
        self._store.enrol(member_id, phone, templates, version, consent, name=name)

    def __getattr__(self, name: str):
        return getattr(self._store, name)
