"""The same FrameSource contract against each kind of source: a video file written with
cv2.VideoWriter, a folder of images, and the simulated phone camera. Plus a camera that
disappears and comes back, and the decode worker on top of the capture thread."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from drivers.camera.camera_frame_source import CameraFrameSource
from drivers.camera.capture_devices import open_device
from drivers.camera.screen_photo import PhoneScene, render_empty_scene, render_phone_photo
from drivers.camera.simulated_camera import SimulatedPhoneCamera
from drivers.scanner.camera_scan_worker import CameraScanWorker
from drivers.scanner.frame_reader import FrameCodeReader, ReadMode
from terminal.code_read import Symbology
from terminal.errors import DeviceError
from terminal.ports.camera import CameraState, FrameSource

CODES = ("281234567890123456", "134567890123456789")
FPS = 30.0


def phone_frames(frames_per_code: int) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    frames = []
    for code in CODES:
        photo = render_phone_photo(code, Symbology.QR, PhoneScene(scale=0.9), rng)
        frames += [photo] * frames_per_code + [render_empty_scene(640, 480, rng)] * 5
    return frames


def write_video(path, frames) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (640, 480))
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()


def wait_until(predicate, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def source_for(kind: str, tmp_path, loop: bool = True) -> CameraFrameSource:
    if kind == "video":
        path = tmp_path / "counter.avi"
        write_video(path, phone_frames(10))
        name = str(path)
    elif kind == "images":
        folder = tmp_path / "frames"
        folder.mkdir()
        for index, frame in enumerate(phone_frames(2)):
            cv2.imwrite(str(folder / f"{index:03d}.jpg"), frame)
        name = str(folder)
    else:
        sim = SimulatedPhoneCamera(640, 480, frames_per_code=10, gap_frames=5, codes=CODES,
                                   variants_per_code=1)
        return CameraFrameSource(sim.open, name="sim", fps=FPS, backoff_initial_s=0.02)
    return CameraFrameSource(lambda: open_device(name, 640, 480, FPS, loop), name=kind,
                             fps=FPS, backoff_initial_s=0.02)


@pytest.fixture(params=["video", "images", "sim"])
def camera(request, tmp_path):
    source = source_for(request.param, tmp_path)
    source.start()
    yield source
    source.stop()


def test_is_a_frame_source(camera):
    assert isinstance(camera, FrameSource)


def test_delivers_640x480_frames_in_order_and_reports_status(camera):
    first = camera.latest(5.0)
    second = camera.latest(5.0, after_seq=first.seq)
    assert first.image.shape == (480, 640, 3)
    assert second.seq > first.seq and second.captured_at_s >= first.captured_at_s
    wait_until(lambda: camera.status().frames_captured >= 10)
    status = camera.status()
    assert status.state is CameraState.RUNNING and status.measured_fps > 0 and not status.last_error


def test_a_slow_consumer_gets_the_newest_frame_not_a_backlog(camera):
    first = camera.latest(5.0)
    wait_until(lambda: camera.status().frames_captured >= first.seq + 5)
    captured_before = camera.status().frames_captured
    newest = camera.latest(5.0, after_seq=first.seq)
    assert newest.seq >= captured_before  # skipped ahead, not first.seq + 1
    assert camera.status().frames_dropped >= 3


def test_stop_joins_and_consumers_are_told(camera):
    camera.latest(5.0)
    camera.stop(timeout_s=2.0)
    assert camera.status().state is CameraState.STOPPED
    assert not [t for t in threading.enumerate() if t.name.startswith("capture-")]
    with pytest.raises(DeviceError, match="stopped"):
        camera.latest(0.5, after_seq=10**9)


def test_camera_that_disappears_raises_device_error_and_recovers():
    sim = SimulatedPhoneCamera(640, 480, codes=CODES, variants_per_code=1)
    source = CameraFrameSource(sim.open, name="sim", fps=FPS, backoff_initial_s=0.02,
                               backoff_max_s=0.1)
    source.start()
    try:
        before = source.latest(5.0)
        sim.unplug()
        with pytest.raises(DeviceError, match="disconnected|cannot open"):
            for _ in range(200):  # frames already in flight may still arrive first
                before = source.latest(1.0, after_seq=before.seq)
        status = source.status()
        assert status.state is CameraState.RECONNECTING and status.last_error
        sim.plug_in()
        recovered = []

        def next_frame() -> bool:
            try:  # while reopening (backoff) the consumer keeps getting the error
                recovered.append(source.latest(0.2, after_seq=before.seq))
            except DeviceError:
                return False
            return True
        wait_until(next_frame)
        assert recovered[0].seq > before.seq
        wait_until(lambda: source.status().state is CameraState.RUNNING)
        assert source.status().reconnects >= 1
    finally:
        source.stop()


def test_camera_that_never_opens_keeps_trying_and_says_why(tmp_path):
    source = CameraFrameSource(
        lambda: open_device(str(tmp_path / "video99"), 640, 480, FPS, True),
        name="missing", fps=FPS, backoff_initial_s=0.02, backoff_max_s=0.05)
    source.start()
    try:
        with pytest.raises(DeviceError, match="cannot open"):
            source.latest(2.0)
        assert source.status().state is CameraState.RECONNECTING
    finally:
        source.stop()


def test_video_without_loop_ends_with_a_clear_error(tmp_path):
    source = source_for("video", tmp_path, loop=False)
    source.start()
    try:
        wait_until(lambda: source.status().state is CameraState.ENDED)
        with pytest.raises(DeviceError, match="end of stream"):
            source.latest(0.5, after_seq=10**9)
        assert source.status().frames_captured == len(CODES) * 15
    finally:
        source.stop()


def test_decode_worker_on_a_video_reports_each_code_once(tmp_path):
    source = source_for("video", tmp_path, loop=False)
    scans, errors = [], []
    worker = CameraScanWorker(source, FrameCodeReader(mode=ReadMode.CAMERA),
                              repeat_window_s=2.0,
                              on_scan=lambda d: scans.append(d.chosen.read.raw.decode()),
                              on_error=errors.append)
    source.start()
    worker.start()
    try:
        wait_until(lambda: source.status().state is CameraState.ENDED)
        wait_until(lambda: bool(errors))
    finally:
        worker.stop()
        source.stop()
    # Ten frames of each code in a row, then an empty counter: one scan per code.
    assert scans == list(CODES)
    assert "end of stream" in str(errors[0])
    assert worker.stats().frames_decoded >= 2
