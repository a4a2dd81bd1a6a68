"""Building face-pay for the CLI, the kiosk and the demo: engine, encrypted store,
gallery.

``build_face_pay`` raises FaceUnavailable ("face-pay disabled: <reason>") when the
models are missing or wrong or face-pay is switched off; callers show that and keep
every other tender working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from drivers.face.engine import InsightFaceEngine, load_engine, recognizer_template_version
from drivers.face.enrolment import template_from_bytes
from drivers.face.gallery import TemplateGallery
from drivers.face.model_files import FaceUnavailable, verify_models
from offline_queue.face_store import FaceStore, open_face_store
from ui.composition.context import AppContext
from ui.composition.payments import store_path_to_open
from ui.models_location import resolve_models_dir

log = logging.getLogger(__name__)


@dataclass
class FacePay:
    engine: InsightFaceEngine
    gallery: TemplateGallery
    store: FaceStore


def models_dir(ctx: AppContext) -> Path:
    """``face.models_dir`` resolved (``ui.models_location``)."""
    return resolve_models_dir(ctx.settings.face.models_dir)


def open_store_for(ctx: AppContext) -> FaceStore:
    """The face store of this data directory (no models needed); closed with ctx."""
    store = open_face_store(store_path_to_open(ctx),
                            ctx.path(ctx.settings.face.key_file),
                            busy_timeout_ms=ctx.settings.storage.busy_timeout_ms)
    ctx.on_close(store.close)
    return store


def load_gallery(store: FaceStore, template_version: str) -> TemplateGallery:
    """All enrolled templates of the current recognizer, loaded once."""
    by_member: dict[str, list] = {}
    for item in store.load_templates(template_version):
        by_member.setdefault(item.member_id, []).append(template_from_bytes(item.vector))
    gallery = TemplateGallery(template_version, capacity=max(1024, 2 * sum(map(len, by_member.values()))))
    for member_id, vectors in by_member.items():
        gallery.add_member(member_id, vectors, template_version)
    stale = store.stale_template_count(template_version)
    if stale:
        log.warning("%d face templates were made by another recognizer version and are "
                    "ignored; those members must enrol again", stale)
    return gallery


def build_face_pay(ctx: AppContext) -> FacePay:
    settings = ctx.settings.face
    if not settings.enabled:
        raise FaceUnavailable("switched off (setting face.enabled = false)")
    engine = load_engine(models_dir(ctx), settings)
    store = open_store_for(ctx)
    return FacePay(engine=engine, gallery=load_gallery(store, engine.template_version),
                   store=store)



def load_engine_and_gallery(ctx: AppContext) -> tuple[InsightFaceEngine, TemplateGallery]:
    """Engine and gallery for the kiosk's loading thread; the store it read the
    templates from is closed again on that thread (SQLite connections stay there)."""
    if not ctx.settings.face.enabled:
        raise FaceUnavailable("switched off (setting face.enabled = false)")
    engine = load_engine(models_dir(ctx), ctx.settings.face)
    store = open_face_store(store_path_to_open(ctx), ctx.path(ctx.settings.face.key_file),
                            busy_timeout_ms=ctx.settings.storage.busy_timeout_ms)
    try:
        return engine, load_gallery(store, engine.template_version)
    finally:
        store.close()


def template_version_for(ctx: AppContext) -> str:
    """The configured recognizer's template version, without loading the models."""
    paths = verify_models(models_dir(ctx), landmarks=False, celeba=False)
    return recognizer_template_version(paths.recognizer)
