"""A held payment reaches the cashier's alarm through the real status path: the kiosk's
StatusService counts the journal's held attempts into ``TerminalStatus.held_count``,
which the status banner shows as an alarm to staff (tests/ui/test_cashier_flows.py,
``test_held_payments_raise_an_alarm_shoppers_only_see_staff_is_needed``)."""

from __future__ import annotations

from drivers.host.wire import METHOD_PAY, METHOD_QUERY
from tests.fakes.status_runtime import StatusRuntime
from tests.hostile.hostile_proxy import Body
from ui.services.records_service import StatusService


def test_a_held_payment_raises_the_cashiers_alarm(terminal, proxy, tmp_path):
    runtime = StatusRuntime(terminal.journal, terminal.client, tmp_path)
    StatusService(runtime)._refresh()          # what its worker thread runs every few s
    assert runtime.statuses[-1].held_count == 0

    proxy.attack = lambda ex: (Body(proxy.resign(ex.forward(), ex.method, total_amount="0.01"))
                               if ex.method in (METHOD_PAY, METHOD_QUERY) else None)
    held = terminal.pay(10_000)
    assert terminal.journal.get(held.attempt.out_trade_no).state.value == "held"
    proxy.attack = None
    StatusService(runtime)._refresh()
    status = runtime.statuses[-1]
    assert status.held_count == 1 and status.host_online
