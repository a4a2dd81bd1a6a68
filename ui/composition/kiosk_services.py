"""Every kiosk service, built and started, for ``payterm run`` and the demo.

Devices that are missing or misconfigured do not stop the app: the capability says
what is unavailable and why, and every other tender keeps working. All host traffic
of the process goes through the one client of ``AppContext.host_client``.
"""

from __future__ import annotations

import logging

from offline_queue.print_worker import PrintEvent, PrintEventKind
from terminal.errors import TerminalError
from ui.composition.context import AppContext
from ui.composition.diagnostics import selftest_runner
from ui.composition.kiosk_runtime import KioskRuntime
from ui.composition.offline import connectivity
from ui.composition.payments import database_path, store_path_to_open
from ui.services.bridge import ServiceBridge
from ui.services.camera_service import CameraService
from ui.services.container import KioskServices
from ui.services.face_service import EnrolmentService, FaceService
from ui.services.log_reader import LogReader
from ui.services.payment_service import PaymentsService
from ui.services.print_service import PrintService
from ui.services.records_service import EndOfDayService, StatusService, TransactionsService
from ui.services.selftest_service import SelfTestService
from ui.services.settings_editor import SettingsEditor

log = logging.getLogger(__name__)


def face_loader(ctx: AppContext):
    """Engine and gallery, built on the loading thread. The face modules are imported
    there too: loading insightface takes a second the window should not wait for."""
    def load():
        from ui.composition.face import load_engine_and_gallery
        return load_engine_and_gallery(ctx)
    return load


def face_store_factory(ctx: AppContext, runtime=None):
    """Opens the face store on the calling thread (the face service's pipeline); with
    ``face.enrol_at_back_office`` its enrolments go to the back office first."""
    def make():
        from offline_queue.face_store import open_face_store
        store = open_face_store(database_path(ctx), ctx.path(ctx.settings.face.key_file),
                                busy_timeout_ms=ctx.settings.storage.busy_timeout_ms)
        if runtime is not None and ctx.settings.face.enrol_at_back_office:
            from ui.services.backoffice_enrolment import BackOfficeEnrolmentStore
            return BackOfficeEnrolmentStore(store, _LazyHost(runtime))
        return store
    return make


def gallery_sync_factory(ctx: AppContext, runtime):
    """Makes the face gallery's sync worker once the gallery is loaded (None: no sync,
    e.g. forced offline or ``face.gallery_sync_interval_s = 0``)."""
    interval = ctx.settings.face.gallery_sync_interval_s
    if interval <= 0 or ctx.settings.offline.forced_offline:
        return None

    def make(gallery, template_version: str):
        from drivers.face.enrolment import template_from_bytes
        from ui.services.face_gallery_worker import GallerySyncWorker
        return GallerySyncWorker(_LazyHost(runtime), face_store_factory(ctx), gallery,
                                 template_version, template_from_bytes, interval)
    return make


class _LazyHost:
    """The runtime's host client, taken when the worker first syncs."""

    def __init__(self, runtime) -> None:
        self._runtime = runtime

    def face_sync(self, since_version: int, template_version: str):
        host = self._runtime.host()
        if host is None:
            from terminal.errors import HostUnreachable
            raise HostUnreachable("no host configured for the face gallery sync")
        return host.face_sync(since_version, template_version)

    def face_enrol(self, member_id: str, template_version: str, templates, consent):
        host = self._runtime.host()
        if host is None:
            from terminal.errors import HostUnreachable
            raise HostUnreachable("no host configured: enrolment needs the back office")
        return host.face_enrol(member_id, template_version, templates, consent)


def configured_camera(ctx: AppContext):
    """The camera from settings, or (None, why not)."""
    try:
        from drivers.camera.camera_frame_source import CameraFrameSource
        return CameraFrameSource.from_settings(ctx.settings.camera), ""
    except (TerminalError, ImportError) as exc:
        return None, getattr(exc, "user_message", str(exc))


def configured_printer(ctx: AppContext):
    """A PrintWorker on the configured printer (serial, LAN or USB), or (None, why not)."""
    settings = ctx.settings.printer
    if not settings.enabled:
        return None, "打印机已关闭（printer.enabled）/ Printer switched off (printer.enabled)"
    try:
        from drivers.printer.printer_factory import printer_from_settings
        from offline_queue.print_worker import PrintWorker
        printer = printer_from_settings(settings, drawer_kick=False)
        worker = PrintWorker(database_path(ctx), printer,
                             retry_interval_s=settings.retry_interval_s)
    except (TerminalError, ImportError) as exc:
        return None, getattr(exc, "user_message", str(exc))
    return worker, ""


def build_services(ctx: AppContext, *, camera_source=None, code_reader=None,
                   print_worker=None, camera_problem: str = "",
                   printer_problem: str = "", face_loader_fn=None) -> KioskServices:
    """Every service, started. Pass devices to override the configured ones (demo)."""
    # Migrations run once, here, before any worker opens the database: several threads
    # opening a fresh file at the same moment would each try to create the tables.
    from offline_queue.journal import SqliteJournal
    SqliteJournal.open(store_path_to_open(ctx),
                       busy_timeout_ms=ctx.settings.storage.busy_timeout_ms).close()
    real_bridge = ServiceBridge()
    bridge = real_bridge.poster           # workers report through the poster only
    runtime = KioskRuntime(ctx, bridge, connectivity(ctx))
    stoppers = []
    if camera_source is None and not camera_problem:
        camera_source, camera_problem = configured_camera(ctx)
    if code_reader is None and camera_source is not None:
        from drivers.scanner.frame_reader import FrameCodeReader, ReadMode
        code_reader = FrameCodeReader.from_settings(ctx.settings.scanner, ReadMode.CAMERA)
    camera = CameraService(bridge, camera_source, code_reader, unavailable=camera_problem,
                           max_face_fps=ctx.settings.kiosk.face_analysis_max_fps,
                           exposure_mode=ctx.settings.camera.face_exposure,
                           target_luma=ctx.settings.camera.face_target_luma)
    stoppers.append(camera.shutdown)
    if print_worker is None and not printer_problem:
        print_worker, printer_problem = configured_printer(ctx)
    if print_worker is not None:
        print_worker.listener = _printer_listener(bridge)
        print_worker.start()
        stoppers.append(print_worker.stop)
    resolver = _start_resolver(ctx, runtime, stoppers)
    payments = PaymentsService(runtime, on_unknown=resolver.wake if resolver else None)
    stoppers.append(payments.stop)
    _start_sync(ctx, runtime, stoppers)
    face = FaceService(bridge, ctx.settings, face_loader_fn or face_loader(ctx), camera=camera,
                       store_factory=face_store_factory(ctx, runtime),
                       recorded_by=ctx.settings.terminal.terminal_id,
                       gallery_sync_factory=gallery_sync_factory(ctx, runtime))
    face.begin_loading()
    stoppers.append(face.stop)
    services = KioskServices(
        bridge=real_bridge, payments=payments, transactions=TransactionsService(runtime),
        printing=PrintService(runtime, print_worker, printer_problem),
        end_of_day=EndOfDayService(runtime), status=StatusService(runtime), camera=camera,
        face_pay=face, enrolment=EnrolmentService(face),
        selftest=SelfTestService(bridge, selftest_runner(ctx)),
        settings_editor=SettingsEditor(ctx.config_file or ctx.data_dir / "payterm.toml",
                                       ctx.settings, ctx.env),
        logs=LogReader(ctx.path(ctx.settings.logging.file)), stoppers=stoppers)
    for service in (services.transactions, services.printing, services.end_of_day,
                    services.status, services.selftest):
        stoppers.append(service.stop)
    return services


def _printer_listener(bridge):
    last = {"message": ""}

    def listen(event: PrintEvent) -> None:
        if event.kind.is_problem:
            text = event.status.describe() if event.status is not None else event.message
            if text != last["message"]:
                last["message"] = text
                bridge.task_failed.emit(
                    "printing", f"打印机：{text}，小票将在就绪后补打 / Printer: {text}; the "
                                "receipt prints when it is ready")
        elif event.kind is PrintEventKind.PRINTED:
            last["message"] = ""
    return listen


def _start_resolver(ctx: AppContext, runtime: KioskRuntime, stoppers: list):
    if ctx.settings.offline.forced_offline:
        return None
    from ui.composition.payments import resolver_worker
    host = runtime.host()
    if host is None:
        return None
    worker = resolver_worker(ctx, host)
    worker.start()
    stoppers.append(worker.stop)
    return worker


def _start_sync(ctx: AppContext, runtime: KioskRuntime, stoppers: list) -> None:
    if ctx.settings.offline.forced_offline or runtime.host_problem:
        return
    from offline_queue.sync_worker import SyncWorker
    from terminal.clock import SystemClock
    from ui.composition.offline import open_sealer
    host = runtime.host()
    if host is None:
        return
    worker = SyncWorker(database_path(ctx), open_sealer(ctx), host, ctx.settings.offline,
                        SystemClock(), monitor=runtime.monitor, health=host,
                        busy_timeout_ms=ctx.settings.storage.busy_timeout_ms)
    worker.start()
    stoppers.append(worker.stop)
