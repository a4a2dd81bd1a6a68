"""Face-pay and live enrolment for the kiosk: a thin adapter between the camera, the
face models and the face-pay rules.

Models load on a background thread at start (the window is usable at once; face-pay
says "loading" until they are ready). During a face-pay, camera frames go into a
newest-frame pipeline whose one worker measures each frame (``drivers.face``: detection,
liveness, landmarks, the 1:N search) and feeds the facts to the running
``terminal.face_pay_session.FacePaySession``, which answers what happens next; this
service only reports that step to the screens. Live enrolment works the same way with
``terminal.face_enrolment``.

The face store (SQLite) is used only from this service's worker thread; the gallery is
thread-safe.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from drivers.face.frame_facts import frame_facts
from drivers.face.pipeline import FramePipeline, PipelineResult
from terminal.errors import TerminalError
from terminal.face_enrolment import EnrolmentCapture, wanted_samples
from terminal.face_gallery_sync import gallery_fresh
from terminal.face_pay_session import FacePaySession, FacePayStep, NextStep
from terminal.member_display import shopper_label
from terminal.member_payment import mask_member
from terminal.risk import DeferredLedger, RiskRules, phone_last4_matches
from ui.services.face_enrolment import enrol_member
from ui.services.views import Capability, EnrolmentView, FaceMatch, FaceProgress

log = logging.getLogger(__name__)

LOADING = "刷脸模型加载中，请稍候或改用付款码 / Face-pay is loading: wait a moment or pay with a code"
GALLERY_STALE = ("人脸库未能及时与后台同步，请改用付款码 / The face gallery could not be "
                 "synced with the back office in time: pay with a code")
NO_MEMBERS = "尚无会员录入人脸，请改用付款码 / No member has enrolled a face yet: pay with a code"


@dataclass
class _Enrolment:
    """One live enrolment: who, the consent they gave, and the samples so far."""

    member_id: str
    phone: str
    consent_text: str
    capture: EnrolmentCapture
    samples: list
    done: bool = False
    name: str = ""


class FaceService:
    """``loader()`` returns ``(engine, gallery)`` (slow, on the loading thread);
    ``store_factory()`` opens the FaceStore on the pipeline thread, the only thread that
    uses it (SQLite connections stay on their thread)."""

    def __init__(self, bridge, settings, loader, *, camera, store_factory,
                 recorded_by: str = "kiosk", gallery_sync_factory=None) -> None:
        self._store_factory = store_factory
        #: ``(gallery, template_version) -> GallerySyncWorker`` (None: no back office).
        self._gallery_sync_factory = gallery_sync_factory
        self._gallery_sync = None
        self._store = None
        self._bridge = bridge
        self._settings = settings
        self._face = None
        self._problem = LOADING
        self._camera = camera
        self._recorded_by = recorded_by
        self._risk = RiskRules(settings.face, ledger=DeferredLedger(self.store))
        self._lock = threading.Lock()
        self._session: FacePaySession | None = None
        self._enrol: _Enrolment | None = None
        self._box: tuple | None = None
        self._pipeline = FramePipeline(self._process, self._on_result, name="face-pay")
        self._loader_thread = threading.Thread(target=self._load, args=(loader,),
                                               name="face-load", daemon=True)
        camera.face_sink = self._pipeline.submit
        camera.face_box = lambda: self._box
        self.frames_analysed = 0

    def begin_loading(self) -> None:
        self._pipeline.start()
        self._loader_thread.start()

    def wait_loaded(self, timeout_s: float) -> bool:
        self._loader_thread.join(timeout_s)
        return not self._loader_thread.is_alive()

    def stop(self) -> None:
        self.cancel()
        if self._gallery_sync is not None:
            self._gallery_sync.stop(2.0)
        self._pipeline.stop(2.0)
        # The store's connection belongs to the pipeline thread, which has ended; the
        # process exit closes it (closing it here would be a cross-thread call).

    def _load(self, loader) -> None:
        try:
            engine, gallery = loader()
            self._face = _Loaded(engine, gallery)
            if self._gallery_sync_factory is not None:
                self._gallery_sync = self._gallery_sync_factory(gallery,
                                                                engine.template_version)
                self._gallery_sync.start()
            self._problem = ""
            log.info("face-pay ready: %d members", gallery.member_count())
        except TerminalError as exc:
            self._problem = exc.user_message
            log.warning("face-pay unavailable: %s", exc)
        except Exception:
            log.exception("loading face-pay failed")
            self._problem = "刷脸功能不可用，请联系技术人员 / Face-pay is unavailable: call a technician"
        self._bridge.face_ready_changed.emit(self.capability())

    # -- face-pay -------------------------------------------------------------------
    def capability(self) -> Capability:
        if self._problem:
            return Capability(False, self._problem)
        max_age = self._settings.face.gallery_max_age_s
        if max_age > 0:
            synced = self._gallery_sync.last_synced_at if self._gallery_sync else None
            if not gallery_fresh(synced, time.time(), max_age):
                return Capability(False, GALLERY_STALE)
        if self._face.gallery.member_count() == 0:
            return Capability(False, NO_MEMBERS)
        return Capability(True)

    def enrol_capability(self) -> Capability:
        return Capability(not self._problem, self._problem)

    def start(self, amount_fen: int) -> None:
        with self._lock:
            self._enrol = None
            self._session = FacePaySession(amount_fen, self._settings.face, self._risk)

    def cancel(self) -> None:
        with self._lock:
            self._session = None
            self._enrol = None
            self._box = None

    def check_step_up(self, match: FaceMatch, digits: str) -> bool:
        """True when ``digits`` are the enrolled phone's last 4 (constant-time)."""
        return phone_last4_matches(digits, match.phone_last4)

    def _process(self, image):
        """Pipeline thread: measure the newest frame for the running session."""
        with self._lock:
            session, enrol = self._session, self._enrol
        if self._face is None or (session is None and enrol is None):
            return None
        if enrol is not None:
            return ("enrol", enrol, image, self._face.engine.analyze(image))
        analysis = self._face.engine.analyze(image, landmarks=session.needs_landmarks)
        self.frames_analysed += 1
        return ("pay", session, image, analysis)

    def _on_result(self, result: PipelineResult) -> None:
        if result.error is not None:
            log.warning("face analysis failed: %s", result.error)
            return
        if result.value is None:
            return
        kind, state, image, analysis = result.value
        self._box = analysis.dominant.bbox if analysis.dominant else None
        if kind == "enrol":
            self._collect_sample(state, image, analysis)
        else:
            self._decide(state, analysis)

    def _decide(self, session: FacePaySession, analysis) -> None:
        if session is not self._session:
            return
        step = session.feed(frame_facts(analysis, self._face.gallery), now_s=time.time())
        if step is not None:
            self._report(step)

    def _report(self, step: FacePayStep) -> None:
        """Tell the screens what the session decided."""
        if step.action is NextStep.IDENTIFY:
            if step.guidance:      # a frame that matched nobody has nothing to say
                self._bridge.face_progressed.emit(FaceProgress("looking", step.guidance))
        elif step.action is NextStep.CHALLENGE:
            self._bridge.face_progressed.emit(FaceProgress("challenge", "",
                                                           step.challenge.value))
        elif step.action is NextStep.REFUSE:
            self._bridge.face_failed.emit(step.message)
        else:
            member_id = step.member_id
            step_up = step.action is NextStep.STEP_UP
            name, phone = self._contact(member_id)
            self._bridge.face_identified.emit(FaceMatch(
                member_id, shopper_label(name, phone, mask_member(member_id)),
                step_up=step_up, phone_last4=phone[-4:] if step_up else "",
                evidence=dict(step.evidence)))

    def _contact(self, member_id: str) -> tuple[str, str]:
        """(name, phone) for the masked confirmation and step-up; ("", "") if unread."""
        try:
            return self.store().contact(member_id) or ("", "")
        except TerminalError:
            log.warning("could not read the member's contact for the confirmation")
            return "", ""

    def store(self):
        """The face store, opened on first use on the pipeline thread."""
        if self._store is None:
            self._store = self._store_factory()
        return self._store

    # -- enrolment ------------------------------------------------------------------
    def enrol(self, member_id: str, phone: str, consent_text: str, name: str = "") -> None:
        """Take samples from the camera for a member who agreed to ``consent_text``."""
        wanted = wanted_samples(self._settings.face, self._settings.kiosk.enrolment_samples)
        with self._lock:
            self._session = None
            self._enrol = _Enrolment(member_id, phone, consent_text,
                                     EnrolmentCapture(wanted), [], name=name)

    def _collect_sample(self, enrol: _Enrolment, image, analysis) -> None:
        if enrol is not self._enrol or enrol.done:
            return
        capture = enrol.capture
        if capture.take(analysis.dominant is not None):
            enrol.samples.append((f"live-{capture.captured}", image.copy()))
        self._bridge.face_progressed.emit(FaceProgress(
            "enrol", f"已采集 {capture.captured}/{capture.wanted} / Captured "
                     f"{capture.captured} of {capture.wanted}"))
        if not capture.complete:
            return
        enrol.done = True
        try:
            report = enrol_member(engine=self._face.engine, gallery=self._face.gallery,
                                  store=self.store(), settings=self._settings.face,
                                  member_id=enrol.member_id, phone=enrol.phone,
                                  samples=enrol.samples, consent_given=True,
                                  consent_text=enrol.consent_text,
                                  recorded_by=self._recorded_by, name=enrol.name)
            view = EnrolmentView(enrol.member_id, True,
                                 f"录入成功，保存 {report.templates_stored} 个模板 / Enrolled "
                                 f"with {report.templates_stored} templates")
        except TerminalError as exc:
            view = EnrolmentView(enrol.member_id, False, exc.user_message)
        finally:
            enrol.samples.clear()     # raw images are not kept after enrolment
        self._bridge.enrolment_finished.emit(view)


@dataclass
class _Loaded:
    engine: object
    gallery: object


class EnrolmentService:
    """The enrolment half of FaceService, under its own interface."""

    def __init__(self, face: FaceService) -> None:
        self._face = face

    def capability(self) -> Capability:
        return self._face.enrol_capability()

    def enrol(self, member_id: str, phone: str, consent_text: str, name: str = "") -> None:
        self._face.enrol(member_id, phone, consent_text, name)
