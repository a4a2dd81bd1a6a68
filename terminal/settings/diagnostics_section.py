"""Field diagnostics (``payterm diag``): thresholds and time limits of the self-tests."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class DiagnosticsSettings:
    check_timeout_s: float = setting(4.0, min=0.1, max=120,
                                     doc="a check still running after this is reported as hung")
    disk_warn_free_mb: int = setting(500, min=0, max=10_000_000,
                                     doc="warn when less than this is free on the data disk")
    disk_warn_free_percent: float = setting(10.0, min=0, max=100)
    disk_fail_free_percent: float = setting(2.0, min=0, max=100,
                                            doc="fail below this; storage.min_free_disk_mb "
                                                "also fails")
    expected_timezone: str = setting("Asia/Shanghai",
                                     doc="warn when the system time zone differs; empty: any")
    clock_skew_warn_s: float = setting(30.0, min=0.1, max=86_400)
    clock_skew_fail_s: float = setting(300.0, min=0.1, max=86_400)
    host_latency_warn_ms: float = setting(1000.0, min=1, max=60_000)
    camera_sample_s: float = setting(1.0, min=0.1, max=10,
                                     doc="how long the camera check measures the frame rate")
    camera_min_fps: float = setting(10.0, min=0.1, max=120)
    camera_dark_below: float = setting(40.0, min=0, max=255, doc="mean grey level 0-255")
    camera_bright_above: float = setting(220.0, min=0, max=255)
    face_frame_warn_ms: float = setting(300.0, min=1, max=60_000,
                                        doc="warn when one frame's face pipeline (detection, "
                                            "liveness, embedding) takes longer on this CPU")
    scanner_wait_s: float = setting(15.0, min=1, max=300,
                                    doc="how long the scanner check waits for a scan")
    queue_oldest_warn_s: float = setting(3600.0, min=1, max=30 * 86_400,
                                         doc="warn when an unsynced record is older than this")

    def __post_init__(self) -> None:
        if self.disk_fail_free_percent > self.disk_warn_free_percent:
            raise ValueError("diagnostics.disk_fail_free_percent must not exceed "
                             "disk_warn_free_percent")
        if self.clock_skew_fail_s < self.clock_skew_warn_s:
            raise ValueError("diagnostics.clock_skew_fail_s must not be below clock_skew_warn_s")
