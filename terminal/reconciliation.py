"""Reconciling the terminal's books for a day against the host's daily statement (pure).

Only what money actually moved counts on either side: the terminal's approved (and
refunded) trades that were not voided or declined after sync, against the host's
TRADE_SUCCESS/TRADE_FINISHED trades (or any with a refund). A trade one side booked and
the other did not is flagged, and so is a trade both booked with other amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from terminal.host_batch_messages import DailyStatement

HOST_BOOKED_STATES = ("TRADE_SUCCESS", "TRADE_FINISHED")


@dataclass(frozen=True)
class TerminalLine:
    out_trade_no: str
    tender: str
    amount_fen: int
    refunded_fen: int
    booked: bool            # the terminal holds this as money taken


@dataclass(frozen=True)
class Discrepancy:
    out_trade_no: str
    kind: str               # only_terminal | only_host | amount_mismatch
    terminal_fen: int
    host_fen: int
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"out_trade_no": self.out_trade_no, "kind": self.kind,
                "terminal_fen": self.terminal_fen, "host_fen": self.host_fen,
                "detail": self.detail}


@dataclass(frozen=True)
class Reconciliation:
    terminal_net_fen: int
    host_net_fen: int
    matched: int
    discrepancies: tuple[Discrepancy, ...]

    @property
    def balanced(self) -> bool:
        return not self.discrepancies and self.terminal_net_fen == self.host_net_fen

    def as_dict(self) -> dict[str, Any]:
        return {"balanced": self.balanced, "terminal_net_fen": self.terminal_net_fen,
                "host_net_fen": self.host_net_fen, "matched": self.matched,
                "discrepancies": [d.as_dict() for d in self.discrepancies]}


def reconcile(terminal: list[TerminalLine], statement: DailyStatement) -> Reconciliation:
    ours = {line.out_trade_no: line for line in terminal if line.booked}
    theirs = {line.out_trade_no: line for line in statement.lines
              if line.state in HOST_BOOKED_STATES or line.refunded_fen}
    all_host = statement.by_trade_no()
    found: list[Discrepancy] = []
    matched = 0
    for no, line in sorted(ours.items()):
        net = line.amount_fen - line.refunded_fen
        host = theirs.get(no)
        if host is None:
            other = all_host.get(no)
            why = f"host state {other.state}" if other else "not in the host's statement"
            found.append(Discrepancy(no, "only_terminal", net, 0, why))
        elif host.amount_fen != line.amount_fen or host.refunded_fen != line.refunded_fen:
            found.append(Discrepancy(no, "amount_mismatch", net, host.net_fen,
                                     f"terminal {line.amount_fen}-{line.refunded_fen}, host "
                                     f"{host.amount_fen}-{host.refunded_fen} fen"))
        else:
            matched += 1
    for no, host in sorted(theirs.items()):
        if no not in ours:
            found.append(Discrepancy(no, "only_host", 0, host.net_fen,
                                     f"host {host.state}; terminal does not hold it as paid"))
    return Reconciliation(sum(ln.amount_fen - ln.refunded_fen for ln in ours.values()),
                          sum(ln.net_fen for ln in theirs.values()), matched, tuple(found))
