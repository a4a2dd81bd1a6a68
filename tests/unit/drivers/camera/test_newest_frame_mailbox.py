"""The one-slot mailbox: newest frame wins, failures reach the consumer, waits time out."""

from __future__ import annotations

import threading

import pytest

from drivers.camera.newest_frame_mailbox import NewestFrameMailbox
from terminal.errors import DeviceError
from terminal.ports.camera import Frame


def frame(seq: int) -> Frame:
    return Frame(image=f"img{seq}", seq=seq, captured_at_s=float(seq))


def test_consumer_gets_the_newest_and_unread_frames_count_as_dropped():
    box = NewestFrameMailbox("cam")
    for seq in (1, 2, 3):
        box.put(frame(seq))
    assert box.take(0.1).seq == 3
    assert box.dropped == 2


def test_take_waits_for_a_frame_newer_than_the_last_one():
    box = NewestFrameMailbox("cam")
    box.put(frame(1))
    assert box.take(0.1, after_seq=0).seq == 1
    with pytest.raises(DeviceError, match="no frame within"):
        box.take(0.05, after_seq=1)
    threading.Timer(0.05, box.put, args=(frame(2),)).start()
    assert box.take(5.0, after_seq=1).seq == 2


def test_failure_is_raised_until_frames_come_back():
    box = NewestFrameMailbox("cam")
    box.put(frame(1))
    box.fail(DeviceError("cam", "unplugged"))
    with pytest.raises(DeviceError, match="unplugged"):
        box.take(0.1)
    box.put(frame(2))
    assert box.take(0.1).seq == 2


def test_each_raise_is_a_fresh_error_so_tracebacks_do_not_pile_up():
    box = NewestFrameMailbox("cam")
    box.fail(DeviceError("cam", "unplugged", user_message="断开 / unplugged"))
    caught = []
    for _ in range(3):
        with pytest.raises(DeviceError) as info:
            box.take(0.01)
        caught.append(info.value)
    assert len({id(e) for e in caught}) == 3
    assert all(str(e) == "cam: unplugged" and e.user_message == "断开 / unplugged" for e in caught)
