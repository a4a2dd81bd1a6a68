"""The touchscreen app."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from terminal.settings.schema import setting


class KioskMode(str, Enum):
    """Which app the touchscreen runs."""

    CASHIER = "cashier"     # a staffed lane: amount keypad, every tender, refunds, end of day
    KIOSK = "kiosk"         # self-service face-pay: full screen, shoppers only

    def __str__(self) -> str:      # as written in the settings file and on screen
        return self.value


def parse_fixed_item(text: str) -> tuple[str, int]:
    """"名称 Name:1200" → ("名称 Name", 1200 fen). Raises ValueError naming the problem."""
    name, sep, fen = text.rpartition(":")
    if not sep or not name.strip() or not fen.strip().isdigit() or int(fen) <= 0:
        raise ValueError(f"fixed_price_items entry {text!r} must look like 'name:price_in_fen'")
    return name.strip(), int(fen)


@dataclass(frozen=True)
class KioskSettings:
    mode: KioskMode = setting(KioskMode.CASHIER, choices=tuple(KioskMode))
    elder_mode: bool = setting(False)
    idle_timeout_s: float = setting(60.0, min=5, max=3600)
    language: str = setting("zh", choices=("zh", "en"), doc="language at start-up")
    full_screen: bool = setting(False, doc="full screen without decorations (always in "
                                           "kiosk mode)")
    hide_cursor: bool = setting(True, doc="hide the mouse cursor in kiosk mode")
    voice_enabled: bool = setting(True, doc="announce results through espeak-ng if installed")
    elder_idle_timeout_s: float = setting(120.0, min=5, max=3600,
                                          doc="idle timeout in elder mode")
    result_screen_s: float = setting(6.0, min=1, max=120,
                                     doc="a result or error screen returns by itself after this")
    elder_result_screen_s: float = setting(12.0, min=1, max=120)
    face_timeout_s: float = setting(30.0, min=5, max=600,
                                    doc="face-pay gives up and offers another way after this")
    fixed_price_items: tuple[str, ...] = setting(
        (), doc="canteen mode: 'name:price' entries (fen in the file, yuan on the technician "
                "screen); empty: the cashier sets the amount")
    enrolment_samples: int = setting(3, min=1, max=10, doc="face samples taken at enrolment")
    status_refresh_s: float = setting(5.0, min=1, max=600,
                                      doc="how often the offline banner re-checks the host")
    stall_warn_ms: float = setting(100.0, min=10, max=10_000,
                                   doc="GUI-thread stalls longer than this are logged")
    face_analysis_max_fps: float = setting(15.0, min=1, max=60,
                                           doc="frames a second given to face inference; "
                                               "the rest of the CPU keeps the preview smooth")

    def __post_init__(self) -> None:
        for item in self.fixed_price_items:
            parse_fixed_item(item)
