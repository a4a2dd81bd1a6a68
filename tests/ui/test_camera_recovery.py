"""A USB camera pulled out in the middle of face-pay and plugged back: the real camera
service on the real capture thread over the simulated camera says so and recovers,
and the face-pay screen tells the shopper (in Chinese and English) meanwhile, then
starts a fresh session."""

from __future__ import annotations

import pytest

from drivers.camera.camera_frame_source import CameraFrameSource
from drivers.camera.simulated_camera import SimulatedPhoneCamera
from ui.services.views import Capability
from tests.ui.test_kiosk_flows import start_face

pytestmark = pytest.mark.gui


def test_camera_service_reports_the_outage_and_the_recovery(qtbot):
    from ui.services.bridge import ServiceBridge
    from ui.services.camera_service import CAMERA_LOST, CameraService
    bridge = ServiceBridge()
    sim = SimulatedPhoneCamera(320, 240, codes=("281234567890123456",), variants_per_code=1)
    source = CameraFrameSource(sim.open, name="sim", fps=30, backoff_initial_s=0.02,
                               backoff_max_s=0.1)
    camera = CameraService(bridge.poster, source)
    changes, frames = [], []
    bridge.camera_changed.connect(changes.append)
    bridge.frame_captured.connect(frames.append)
    camera.start("face")
    try:
        qtbot.waitUntil(lambda: len(frames) > 3, timeout=10000)
        sim.unplug()                                  # the cable is pulled mid-session
        qtbot.waitUntil(lambda: len(changes) == 1, timeout=10000)
        assert changes[0] == Capability(False, CAMERA_LOST)
        assert not camera.capability().available
        seen = len(frames)
        sim.plug_in()
        qtbot.waitUntil(lambda: len(changes) == 2, timeout=10000)
        assert changes[1] == Capability(True)
        qtbot.waitUntil(lambda: len(frames) > seen + 3, timeout=10000)
        assert camera.capability().available and source.status().reconnects >= 1
    finally:
        camera.shutdown()


def test_face_screen_says_so_in_both_languages_and_starts_afresh(make_shell, qtbot):
    from ui.services.camera_service import CAMERA_LOST
    shell, services = make_shell(mode="kiosk")
    services.face_pay.script = "wait"
    start_face(shell)
    face = shell.screen("face")
    assert services.face_pay.started == [1880]
    services.bridge.camera_changed.emit(Capability(False, CAMERA_LOST))
    qtbot.waitUntil(lambda: "正在自动重新连接" in face.guidance.text())
    text = face.guidance.text()
    assert "reconnecting by itself" in text                 # English too
    assert face.code_button.isVisible() and not face._timeout.isActive()
    assert services.face_pay.cancelled >= 1
    services.bridge.camera_changed.emit(Capability(True))
    qtbot.waitUntil(lambda: services.face_pay.started == [1880, 1880])
    assert "重新连接" not in face.guidance.text() and face._timeout.isActive()


def test_camera_news_on_another_screen_does_not_start_face_pay(make_shell, qtbot):
    shell, services = make_shell(mode="kiosk")
    services.bridge.camera_changed.emit(Capability(False, "x / y"))
    services.bridge.camera_changed.emit(Capability(True))
    qtbot.wait(50)
    assert services.face_pay.started == []


@pytest.mark.parametrize("elder", [False, True])
def test_the_camera_message_fits_the_panel(make_shell, qtbot, elder, tmp_path):
    from ui.services.camera_service import CAMERA_LOST
    shell, services = make_shell(mode="kiosk")
    shell.set_elder(elder)
    services.face_pay.script = "wait"
    start_face(shell)
    services.bridge.camera_changed.emit(Capability(False, CAMERA_LOST))
    face = shell.screen("face")
    qtbot.waitUntil(lambda: "reconnecting" in face.guidance.text())
    hint = shell.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 800, (hint.width(), hint.height())
    shell.resize(1280, 800)
    assert shell.grab().save(str(tmp_path / f"face_camera_lost_{elder}.png"))
