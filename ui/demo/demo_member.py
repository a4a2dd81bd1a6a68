"""The demo's enrolled member: the astronaut, enrolled from a few varied pictures with
the separate consent recorded, so face-pay works on the first try."""

from __future__ import annotations

import cv2
import numpy as np

from ui.demo.demo_camera import face_scene

DEMO_MEMBER_ID = "M0001"
DEMO_PHONE = "13800001234"
DEMO_NAME = "王小明"
DEMO_BALANCE_FEN = 500_000


def demo_samples(width: int = 640, height: int = 480) -> list[tuple[str, np.ndarray]]:
    base = face_scene(width, height)
    samples = [("demo-1", base)]
    samples.append(("demo-2", cv2.convertScaleAbs(base, alpha=1.05, beta=6)))
    samples.append(("demo-3", cv2.convertScaleAbs(base, alpha=0.95, beta=-6)))
    shifted = np.roll(base, 8, axis=1)
    samples.append(("demo-4", shifted))
    return samples


def enrol_demo_member(ctx, engine, gallery) -> None:
    """Enrol the astronaut unless already enrolled (runs on the face loading thread)."""
    from ui.composition.kiosk_services import face_store_factory
    from ui.services.face_enrolment import enrol_member
    store = face_store_factory(ctx)()
    try:
        if gallery.member_count() > 0:
            return
        enrol_member(engine=engine, gallery=gallery, store=store, settings=ctx.settings.face,
                     member_id=DEMO_MEMBER_ID, phone=DEMO_PHONE, samples=demo_samples(),
                     consent_given=True,
                     consent_text=ctx.settings.face.consent_text, recorded_by="demo",
                     name=DEMO_NAME)
    finally:
        store.close()
