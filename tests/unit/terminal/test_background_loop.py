"""The one background-loop helper, on real threads: it starts once, repeats its step,
wakes early, backs off with jitter after failures, runs setup/teardown on its own thread,
and stops within a deadline or says in the log that it did not."""

from __future__ import annotations

import logging
import random
import threading
import time

import pytest

from terminal.background_loop import Backoff, BackgroundLoop

DEADLINE_S = 5.0


def wait_for(condition, timeout_s: float = DEADLINE_S) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.005)


class Steps:
    """A step that counts its calls, can fail on demand, and waits as told."""

    def __init__(self, wait_s: float = 60.0) -> None:
        self.calls = 0
        self.threads: set[str] = set()
        self.fail_next = 0
        self.wait_s = wait_s
        self.called = threading.Event()

    def __call__(self) -> float:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        self.called.set()
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("step broke")
        return self.wait_s


def test_the_step_runs_on_the_named_thread_and_waits_as_it_says():
    steps = Steps(wait_s=0.01)
    loop = BackgroundLoop("test-loop", steps)
    loop.start()
    wait_for(lambda: steps.calls >= 5)
    assert loop.running and steps.threads == {"test-loop"}
    assert loop.stop(DEADLINE_S) and not loop.running


def test_wake_cuts_a_long_wait_short():
    steps = Steps(wait_s=60.0)
    loop = BackgroundLoop("waker", steps)
    loop.start()
    wait_for(lambda: steps.calls == 1)
    started = time.monotonic()
    loop.wake()
    wait_for(lambda: steps.calls == 2)
    assert time.monotonic() - started < DEADLINE_S
    assert loop.stop(DEADLINE_S)


def test_stop_ends_a_long_wait_at_once_and_start_twice_keeps_one_thread():
    steps = Steps(wait_s=60.0)
    loop = BackgroundLoop("stopper", steps)
    loop.start()
    loop.start()
    wait_for(lambda: steps.calls == 1)
    assert sum(t.name == "stopper" for t in threading.enumerate()) == 1
    started = time.monotonic()
    assert loop.stop(DEADLINE_S)
    assert time.monotonic() - started < 1.0
    assert steps.calls == 1


def test_setup_and_teardown_run_on_the_loop_thread_around_the_steps():
    seen: list[tuple[str, str]] = []
    steps = Steps(wait_s=60.0)
    loop = BackgroundLoop(
        "owner", steps,
        setup=lambda: seen.append(("setup", threading.current_thread().name)),
        teardown=lambda: seen.append(("teardown", threading.current_thread().name)))
    loop.start()
    wait_for(lambda: steps.calls == 1)
    assert loop.stop(DEADLINE_S)
    assert seen == [("setup", "owner"), ("teardown", "owner")]


def test_a_setup_that_fails_is_logged_and_no_step_runs(caplog):
    def broken_setup() -> None:
        raise OSError("database is gone")

    steps = Steps()
    loop = BackgroundLoop("no-start", steps, setup=broken_setup)
    with caplog.at_level(logging.ERROR, logger="terminal.background_loop"):
        loop.start()
        wait_for(lambda: not loop.running)
    assert steps.calls == 0
    assert "no-start could not start" in caplog.text and "database is gone" in caplog.text


def test_a_failing_step_is_logged_backed_off_and_the_loop_survives(caplog):
    steps = Steps(wait_s=60.0)
    steps.fail_next = 3
    waits: list[float] = []
    backoff = Backoff(base_s=0.01, max_s=0.02, jitter=0.0)

    def on_error(exc: Exception) -> float:
        waits.append(backoff.delay_s(loop.failures, random.Random(1)))
        return waits[-1]

    loop = BackgroundLoop("flaky", steps, on_error=on_error)
    with caplog.at_level(logging.ERROR, logger="terminal.background_loop"):
        loop.start()
        wait_for(lambda: steps.calls == 4)
    assert waits == [0.01, 0.02, 0.02]
    assert loop.failures == 0 and loop.running       # the fourth step succeeded
    assert caplog.text.count("flaky: step failed") == 3
    assert loop.stop(DEADLINE_S)


def test_the_default_error_wait_is_the_jittered_backoff():
    steps = Steps(wait_s=60.0)
    steps.fail_next = 1
    loop = BackgroundLoop("default-backoff", steps, backoff=Backoff(0.05, 0.05),
                          rng=random.Random(3))
    started = time.monotonic()
    loop.start()
    wait_for(lambda: steps.calls == 2)
    assert time.monotonic() - started >= 0.05 * 0.5
    assert loop.stop(DEADLINE_S)


def test_backoff_doubles_up_to_its_cap_with_jitter_within_bounds():
    rng = random.Random(7)
    backoff = Backoff(base_s=1.0, max_s=30.0, jitter=0.5)
    for failures, cap in [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (500, 30.0)]:
        delays = [backoff.delay_s(failures, rng) for _ in range(200)]
        assert all(cap * 0.5 <= d <= cap for d in delays), failures
        assert max(delays) - min(delays) > cap * 0.3    # really jittered
    assert Backoff(2.0, 10.0, jitter=0.0).delay_s(2, rng) == 4.0
    with pytest.raises(ValueError):
        Backoff(1.0, 2.0, jitter=1.5)


def test_a_thread_that_does_not_stop_in_time_is_reported(caplog):
    release = threading.Event()
    entered = threading.Event()

    def stuck() -> float:
        entered.set()
        release.wait(DEADLINE_S)
        return 0.0

    loop = BackgroundLoop("stuck-worker", stuck)
    loop.start()
    assert entered.wait(DEADLINE_S)
    with caplog.at_level(logging.WARNING, logger="terminal.background_loop"):
        assert loop.stop(0.2) is False
    assert "stuck-worker did not stop within 0.2 s" in caplog.text
    assert loop.running
    release.set()
    assert loop.stop(DEADLINE_S) and not loop.running


def test_a_long_step_can_see_the_stop_and_pause_inside_itself():
    seen: list[bool] = []
    loop: BackgroundLoop

    def patient() -> float:
        seen.append(loop.wait(60.0))     # returns on stop
        return 0.0

    loop = BackgroundLoop("patient", patient)
    loop.start()
    wait_for(lambda: loop.running)
    time.sleep(0.05)
    assert loop.stop(DEADLINE_S)
    assert seen[-1] is False and loop.stopping


def test_stop_before_start_and_stop_twice_are_harmless():
    loop = BackgroundLoop("idle", Steps())
    assert loop.stop(0.1)
    loop.start()
    assert loop.stop(DEADLINE_S) and loop.stop(DEADLINE_S)
