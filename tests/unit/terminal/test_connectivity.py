"""Online/offline detection: connect failures, the circuit breaker, probes with backoff."""

from __future__ import annotations

from terminal.connectivity import ConnectivityMonitor
from terminal.errors import HostUnreachable, OutcomeUnknown
from terminal.host_messages import PingAnswer
from terminal.settings.offline_section import OfflineSettings
from tests.fakes.clock import FakeClock

SETTINGS = OfflineSettings(breaker_failures=3, probe_interval_s=2.0, probe_backoff_max_s=10.0)


class Health:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.pings = 0

    def ping(self):
        self.pings += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


OK = PingAnswer(host_time_epoch_s=1.0, round_trip_s=0.01)


def test_unreachable_means_offline_at_once_with_a_reason():
    monitor = ConnectivityMonitor(SETTINGS, FakeClock())
    assert monitor.online
    monitor.record_failure(HostUnreachable("refused"))
    status = monitor.status()
    assert not status.online and "host unreachable" in status.reason


def test_breaker_opens_after_n_consecutive_failures_and_success_resets():
    monitor = ConnectivityMonitor(SETTINGS, FakeClock())
    monitor.record_failure(OutcomeUnknown("500"))
    monitor.record_failure(OutcomeUnknown("500"))
    monitor.record_success()
    monitor.record_failure(OutcomeUnknown("500"))
    monitor.record_failure(OutcomeUnknown("500"))
    assert monitor.online
    monitor.record_failure(OutcomeUnknown("500"))
    assert not monitor.online and "3 times" in monitor.status().reason


def test_back_online_only_through_a_probe_with_doubling_waits():
    clock = FakeClock()
    monitor = ConnectivityMonitor(SETTINGS, clock)
    monitor.record_failure(HostUnreachable("x"))
    health = Health(HostUnreachable("x"), HostUnreachable("x"), OutcomeUnknown("x"),
                    HostUnreachable("x"), OK)
    assert not monitor.probe(health) and health.pings == 0      # not due yet
    waits = []
    for _ in range(4):
        due = monitor.status().next_probe_at
        waits.append(due - clock.monotonic())
        clock.advance(waits[-1])
        assert not monitor.probe(health)
    assert waits == [2.0, 4.0, 8.0, 10.0]
    clock.advance(10.0)
    assert monitor.probe(health) and monitor.online and monitor.status().reason == ""


def test_forced_offline_stays_offline_and_never_pings():
    settings = OfflineSettings(forced_offline=True)
    monitor = ConnectivityMonitor(settings, FakeClock())
    health = Health(OK)
    monitor.record_success()
    assert not monitor.probe(health, force=True)
    assert health.pings == 0
    assert "forced_offline" in monitor.status().reason
