"""Who this terminal is and the limits that apply to every payment."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting


@dataclass(frozen=True)
class TerminalSettings:
    terminal_id: str = setting("T0001", doc="1-16 letters or digits; prefix of every out_trade_no")
    merchant_name: str = setting("payterm 演示商户 Demo Store")
    store_name: str = setting("")
    max_amount_fen: int = setting(5_000_000, min=1, max=100_000_000,
                                  doc="largest single payment (default 50,000 yuan)")
    duplicate_code_window_s: float = setting(120.0, min=0, max=86_400,
                                             doc="the same payment code is refused within this window")
    language: str = setting("zh", choices=("zh", "en"))
    subject: str = setting("payterm 收款 Payment", doc="trade subject sent to the host")

    def __post_init__(self) -> None:
        from terminal.trade_no import validate_terminal_id
        validate_terminal_id(self.terminal_id)
