"""Scanner guns (keyboard wedge or serial)."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class ScannerSettings:
    wedge_max_gap_ms: float = setting(50.0, min=5, max=500,
                                      doc="keys closer than this are a scan, not typing")
    serial_port: str = setting("", doc="serial scanner device; empty for none")
    serial_baud: int = setting(9600, choices=(9600, 19200, 38400, 57600, 115200))
    wedge_min_length: int = setting(8, min=1, max=64,
                                    doc="shortest burst of keys that counts as a scan")
    serial_terminator: str = setting("cr", choices=("cr", "lf", "crlf", "tab", "etx"),
                                     doc="byte(s) the serial scanner sends after each code")
    serial_read_timeout_s: float = setting(0.2, min=0.01, max=10,
                                           doc="poll interval of the serial reader thread")
    serial_max_length: int = setting(512, min=16, max=8192,
                                     doc="longer input without a terminator is discarded")
    evdev_device: str = setting("", doc="/dev/input/eventN of a wedge scanner read while "
                                        "the app is not focused; empty for none")
    decode_budget_ms: float = setting(120.0, min=10, max=2000,
                                      doc="time per frame for the retry variants after a miss")
    camera_decode_budget_ms: float = setting(25.0, min=5, max=1000, doc="camera: no retry "
                                             "variant starts after this; next frame continues")
    decode_max_side_px: int = setting(1280, min=320, max=8192,
                                      doc="bigger frames are downscaled to this first")
    repeat_window_s: float = setting(1.5, min=0.1, max=30,
                                     doc="a code seen again within this is the same scan")
