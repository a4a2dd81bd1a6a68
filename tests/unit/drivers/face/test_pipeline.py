"""The frame pipeline: only the newest frame is analysed; the caller never waits."""

from __future__ import annotations

import threading

import pytest

from drivers.face.pipeline import FramePipeline

WAIT_S = 5.0


class GatedProcessor:
    """Blocks inside each frame until the test releases it, recording what it saw."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.seen: list = []

    def __call__(self, frame):
        self.seen.append(frame)
        self.started.set()
        assert self.release.wait(WAIT_S), "test never released the processor"
        self.release.clear()
        if frame == "bad":
            raise ValueError("unreadable frame")
        return f"result:{frame}"


@pytest.fixture
def gated():
    processor = GatedProcessor()
    results = []
    done = threading.Event()

    def on_result(result):
        results.append(result)
        done.set()

    pipeline = FramePipeline(processor, on_result)
    pipeline.start()
    yield pipeline, processor, results, done
    processor.release.set()
    assert pipeline.stop(timeout_s=WAIT_S)


def test_newest_frame_wins_and_submit_never_blocks(gated):
    pipeline, processor, results, done = gated
    pipeline.submit("f1")
    assert processor.started.wait(WAIT_S)           # worker is now stuck inside f1
    # While the worker is busy, the caller submits more frames; each call returns at
    # once (it would hang here, and time out, if submit waited for the worker).
    sequences = [pipeline.submit(f"f{i}") for i in range(2, 7)]
    assert sequences == [2, 3, 4, 5, 6]
    assert pipeline.dropped == 4                     # f2..f5 were replaced unprocessed
    processor.started.clear()
    processor.release.set()                          # finish f1
    assert processor.started.wait(WAIT_S)            # next frame taken: must be f6
    processor.release.set()
    for _ in range(500):       # poll for the second result (done may still be set)
        if pipeline.processed == 2:
            break
        threading.Event().wait(0.01)
    assert processor.seen == ["f1", "f6"]
    assert [r.sequence for r in results] == [1, 6]
    assert pipeline.latest().value == "result:f6"


def test_a_failing_frame_is_reported_and_the_worker_goes_on(gated):
    pipeline, processor, results, done = gated
    pipeline.submit("bad")
    processor.release.set()
    assert done.wait(WAIT_S)
    assert isinstance(results[0].error, ValueError)
    done.clear()
    pipeline.submit("good")
    processor.release.set()
    assert done.wait(WAIT_S)
    assert results[-1].value == "result:good"


def test_stop_ends_an_idle_worker():
    pipeline = FramePipeline(lambda frame: frame)
    pipeline.start()
    assert pipeline.stop(timeout_s=WAIT_S)
    with pytest.raises(RuntimeError):
        pipeline.start()
