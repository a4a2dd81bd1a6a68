"""Face-pay and live enrolment for the kiosk.

Models load on a background thread at start (the window is usable at once; face-pay
says "loading" until they are ready). During a face-pay, camera frames go into a
newest-frame pipeline whose one worker runs detection, liveness and the 1:N match;
the decision rules are ``terminal.face_policy`` and ``terminal.risk``.

The face store (SQLite) is used only from this service's worker thread; the gallery is
thread-safe.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from dataclasses import dataclass

from drivers.face.active_liveness import ActiveChallenge, ChallengeState, choose_challenge
from drivers.face.enrolment import enrol_member
from drivers.face.identifier import identify_analysis
from drivers.face.pipeline import FramePipeline, PipelineResult
from terminal.errors import TerminalError
from terminal.face_policy import Decision
from terminal.risk import DeferredLedger, RiskAction, RiskRules
from terminal.member_payment import mask_member
from ui.services.views import Capability, EnrolmentView, FaceMatch, FaceProgress

log = logging.getLogger(__name__)

LOADING = "刷脸模型加载中，请稍候或改用付款码 / Face-pay is loading: wait a moment or pay with a code"
NO_MEMBERS = "尚无会员录入人脸，请改用付款码 / No member has enrolled a face yet: pay with a code"
#: Consecutive frames refused (stranger, spoof) before face-pay gives up.
MAX_REJECTED_FRAMES = 8


class FaceService:
    """``loader()`` returns ``(engine, gallery)`` (slow, on the loading thread);
    ``store_factory()`` opens the FaceStore on the pipeline thread, the only thread that
    uses it (SQLite connections stay on their thread)."""

    def __init__(self, bridge, settings, loader, *, camera, store_factory,
                 recorded_by: str = "kiosk") -> None:
        self._store_factory = store_factory
        self._store = None
        self._bridge = bridge
        self._settings = settings
        self._face = None
        self._problem = LOADING
        self._camera = camera
        self._recorded_by = recorded_by
        self._risk = RiskRules(settings.face, ledger=DeferredLedger(self.store))
        self._lock = threading.Lock()
        self._session: dict | None = None
        self._enrol: dict | None = None
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
        self._pipeline.stop(2.0)
        # The store's connection belongs to the pipeline thread, which has ended; the
        # process exit closes it (closing it here would be a cross-thread call).

    def _load(self, loader) -> None:
        try:
            engine, gallery = loader()
            self._face = _Loaded(engine, gallery)
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
        if self._face.gallery.member_count() == 0:
            return Capability(False, NO_MEMBERS)
        return Capability(True)

    def enrol_capability(self) -> Capability:
        return Capability(not self._problem, self._problem)

    def start(self, amount_fen: int) -> None:
        with self._lock:
            self._enrol = None
            self._session = {"amount": amount_fen, "challenge": None, "passed": None,
                             "rejected": 0, "failures": 0, "done": False}

    def cancel(self) -> None:
        with self._lock:
            self._session = None
            self._enrol = None
            self._box = None

    def check_step_up(self, match: FaceMatch, digits: str) -> bool:
        return bool(match.phone_last4) and hmac.compare_digest(match.phone_last4.encode(),
                                                               digits.encode())

    def _process(self, image):
        """Pipeline thread: analyse the newest frame for the running session."""
        with self._lock:
            session, enrol = self._session, self._enrol
        if self._face is None or (session is None and enrol is None):
            return None
        if enrol is not None:
            return ("enrol", enrol, image, self._face.engine.analyze(image))
        need_landmarks = session["challenge"] is not None
        analysis = self._face.engine.analyze(image, landmarks=need_landmarks)
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

    def _decide(self, session: dict, analysis) -> None:
        if session is not self._session or session["done"]:
            return
        face = self._face
        challenge: ActiveChallenge | None = session["challenge"]
        if challenge is not None and analysis.dominant is not None and \
                analysis.dominant.landmarks is not None and session["passed"] is None:
            state = challenge.feed(analysis.dominant.bbox, analysis.dominant.landmarks)
            if state is ChallengeState.PASSED:
                session["passed"] = True
            elif state is ChallengeState.FAILED:
                return self._fail(session, "活体检测未通过，请改用付款码 / Liveness check "
                                           "failed: please pay with a payment code")
        outcome = identify_analysis(analysis, face.gallery, self._settings.face,
                                    amount_fen=session["amount"],
                                    challenge=challenge.kind.value if challenge else None,
                                    challenge_passed=session["passed"])
        if outcome.decision is Decision.RETRY:
            self._bridge.face_progressed.emit(FaceProgress("looking", outcome.guidance))
            return
        if outcome.decision is Decision.CHALLENGE:
            if challenge is None:
                session["challenge"] = ActiveChallenge(choose_challenge(), self._settings.face)
            self._bridge.face_progressed.emit(FaceProgress(
                "challenge", "", session["challenge"].kind.value))
            return
        if outcome.decision is Decision.REJECT:
            session["rejected"] += 1
            if session["rejected"] >= MAX_REJECTED_FRAMES:
                self._fail(session, "未能识别为会员，请改用付款码或现金 / Not recognised as a "
                                    "member: please pay with a payment code or cash")
            return
        risk = self._risk.assess(outcome, session["amount"], now_s=time.time(),
                                 failed_attempts=session["failures"])
        if risk.action is RiskAction.REFUSE:
            return self._fail(session, risk.message)
        session["done"] = True
        member_id = outcome.member_id
        last4 = self._phone_last4(member_id) if risk.action is RiskAction.STEP_UP else ""
        self._risk.record_payment(member_id, session["amount"], time.time())
        self._bridge.face_identified.emit(FaceMatch(
            member_id, mask_member(member_id), step_up=risk.action is RiskAction.STEP_UP,
            phone_last4=last4 or "", evidence=outcome.evidence()))

    def _phone_last4(self, member_id: str) -> str:
        try:
            return self.store().phone_last4(member_id) or ""
        except TerminalError:
            log.warning("could not read the phone digits for step-up")
            return ""

    def store(self):
        """The face store, opened on first use on the pipeline thread."""
        if self._store is None:
            self._store = self._store_factory()
        return self._store

    def _fail(self, session: dict, sentence: str) -> None:
        session["done"] = True
        self._bridge.face_failed.emit(sentence)

    # -- enrolment ------------------------------------------------------------------
    def enrol(self, member_id: str, phone: str, consent_text: str) -> None:
        with self._lock:
            self._session = None
            self._enrol = {"member_id": member_id, "phone": phone, "samples": [],
                           "done": False, "frames": 0}

    def _collect_sample(self, enrol: dict, image, analysis) -> None:
        if enrol is not self._enrol or enrol["done"]:
            return
        enrol["frames"] += 1
        wanted = max(self._settings.kiosk.enrolment_samples, self._settings.face.min_enrol_samples)
        if analysis.dominant is not None and enrol["frames"] % 3 == 0:
            enrol["samples"].append((f"live-{len(enrol['samples']) + 1}", image.copy()))
        self._bridge.face_progressed.emit(FaceProgress(
            "enrol", f"已采集 {len(enrol['samples'])}/{wanted} / Captured "
                     f"{len(enrol['samples'])} of {wanted}"))
        if len(enrol["samples"]) < wanted:
            return
        enrol["done"] = True
        try:
            report = enrol_member(engine=self._face.engine, gallery=self._face.gallery,
                                  store=self.store(), settings=self._settings.face,
                                  member_id=enrol["member_id"], phone=enrol["phone"],
                                  samples=enrol["samples"], consent_given=True,
                                  recorded_by=self._recorded_by)
            view = EnrolmentView(enrol["member_id"], True,
                                 f"录入成功，保存 {report.templates_stored} 个模板 / Enrolled "
                                 f"with {report.templates_stored} templates")
        except TerminalError as exc:
            view = EnrolmentView(enrol["member_id"], False, exc.user_message)
        finally:
            enrol["samples"].clear()     # raw images are not kept after enrolment
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

    def enrol(self, member_id: str, phone: str, consent_text: str) -> None:
        self._face.enrol(member_id, phone, consent_text)
