"""The simulated phone camera: shows decodable payment codes, can be unplugged."""

from __future__ import annotations

import pytest

from drivers.camera.simulated_camera import SimulatedPhoneCamera
from drivers.scanner.frame_reader import FrameCodeReader
from terminal.errors import DeviceError


@pytest.fixture(scope="module")
def camera():
    return SimulatedPhoneCamera(640, 480, seed=3, frames_per_code=3, gap_frames=1,
                                codes=("281234567890123456", "134567890123456789"),
                                variants_per_code=1)


def test_frames_show_the_codes_in_turn_with_empty_counter_between(camera):
    reader = FrameCodeReader(budget_ms=300)
    seen = []
    for _ in range(8):
        image = camera.read()
        assert image.shape == (480, 640, 3)
        decoded = reader.read_frame(image)
        seen.append(decoded.chosen.read.raw.decode() if decoded.found else None)
    assert seen[:4] == ["281234567890123456"] * 3 + [None]
    assert seen[4:7] == ["134567890123456789"] * 3
    assert all(reader.read_frame(camera.read()).chosen.is_payment_code for _ in range(2))


def test_unplugged_camera_fails_reads_and_opens_until_plugged_in(camera):
    camera.unplug()
    with pytest.raises(DeviceError, match="disconnected"):
        camera.read()
    with pytest.raises(DeviceError, match="cannot open"):
        camera.open()
    camera.plug_in()
    assert camera.open() is camera
    assert camera.read().shape == (480, 640, 3)
