"""Which terminal is asking: the simulated host's 40006 refusals (docs/host.md).

The simulator holds one terminal public key for every terminal id, so it cannot tell two
terminals apart by key (``PAYTERM.TERMINAL_ID_CONFLICT`` for "registered with another
key" is the back office's job). What it can tell:

* ``PAYTERM.TERMINAL_UNKNOWN`` / ``PAYTERM.TERMINAL_DISABLED`` when ``terminals`` is
  configured (empty, the default: every terminal id is accepted);
* ``PAYTERM.TERMINAL_ID_CONFLICT`` when a request names a journal (``journal_epoch``)
  other than the one that used this terminal id less than ``journal_switch_after_s``
  ago: two journals, i.e. two terminals configured with one id, or a copied data
  directory, are active at once. After that quiet time a new journal takes the id over
  (a technician who started a new journal on purpose waits that long, or the host's
  operator shortens it).

Requests without ``journal_epoch`` (older terminals, a technician's ping without a
journal) are not checked for conflicts.
"""

from __future__ import annotations

import logging
from typing import Callable

from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.ledger import Ledger
from drivers.host.simulator.reply import Reply
from terminal.host_messages import CODE_INSUFFICIENT_PERMISSIONS, TerminalRefusal

log = logging.getLogger(__name__)


def refusal(reason: TerminalRefusal, sub_msg: str) -> Reply:
    """A signed 40006 answer: nothing was booked."""
    return Reply({"code": CODE_INSUFFICIENT_PERMISSIONS, "msg": "Insufficient Permissions",
                  "sub_code": reason.value, "sub_msg": sub_msg})


class TerminalIdentity:
    def __init__(self, ledger: Ledger, config_source: Callable[[], SimulatorConfig]) -> None:
        self._ledger = ledger
        self._config_source = config_source

    def check(self, terminal_id: str, journal_epoch: str, now: float) -> Reply | None:
        """None when the request may go on, else the 40006 refusal."""
        config = self._config_source()
        if config.terminals:
            seed = next((t for t in config.terminals if t.terminal_id == terminal_id), None)
            if seed is None:
                return refusal(TerminalRefusal.UNKNOWN, "终端未登记 terminal id not registered")
            if seed.disabled:
                return refusal(TerminalRefusal.DISABLED, "终端已停用 terminal disabled")
        if not journal_epoch:
            return None
        with self._ledger.transaction() as db:
            current = self._ledger.terminal_journal(db, terminal_id)
            if current is not None and current["journal_epoch"] != journal_epoch \
                    and now - current["last_seen"] < config.journal_switch_after_s:
                log.warning("terminal %s: refused journal %s while journal %s is active",
                            terminal_id, journal_epoch, current["journal_epoch"])
                return refusal(TerminalRefusal.ID_CONFLICT,
                               "终端号正被另一份交易日志使用 another journal is using this "
                               "terminal id")
            if current is not None and current["journal_epoch"] != journal_epoch:
                log.info("terminal %s: journal %s takes over from %s", terminal_id,
                         journal_epoch, current["journal_epoch"])
            self._ledger.use_terminal_journal(db, terminal_id, journal_epoch, now)
        return None
