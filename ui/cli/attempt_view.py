"""How an attempt is shown on the command line (text and JSON)."""

from __future__ import annotations

from datetime import datetime

from terminal.attempt import Attempt
from terminal.money import format_amount
from terminal.wallet_payment import describe


def attempt_to_json(attempt: Attempt) -> dict:
    return {
        "out_trade_no": attempt.out_trade_no,
        "state": attempt.state.value,
        "tender": attempt.tender.value,
        "wallet": attempt.wallet.value if attempt.wallet else "",
        "code": attempt.code_masked,
        "member": attempt.member_ref,
        "amount_fen": attempt.amount_fen,
        "amount": format_amount(attempt.amount_fen),
        "refunded_fen": attempt.refunded_fen,
        "created_at": local_time(attempt.created_at),
        "host_trade_no": attempt.host_trade_no,
        "result_code": attempt.result_code,
        "sub_code": attempt.sub_code,
        "waiting_for_password": attempt.waiting_for_password,
        "offline": attempt.offline,
        "needs_attention": attempt.needs_attention,
        "message": str(describe(attempt)),
    }


def attempt_row(attempt: Attempt) -> dict:
    return {"trade": attempt.out_trade_no, "time": local_time(attempt.created_at),
            "amount": format_amount(attempt.amount_fen),
            "tender": str(attempt.wallet or attempt.tender.value),
            "payer": attempt.code_masked or attempt.member_ref, "state": attempt.state.value,
            "reason": attempt.sub_code}


def local_time(epoch_s: float | None) -> str:
    if epoch_s is None:
        return ""
    return datetime.fromtimestamp(epoch_s).strftime("%Y-%m-%d %H:%M:%S")
