"""The real services on a real SQLite journal, with the host simulator on loopback:
cash offline, a code payment, the transactions list, and end of day refusing while
anything is unsynced."""

from __future__ import annotations

import pytest

from drivers.host.keys import generate_key_pair
from offline_queue.journal_identity import start_new_journal
from drivers.host.simulator.behaviours import Behaviour, code_for
from drivers.host.simulator.runner import start_simulator
from ui.composition.context import build_context
from ui.services.views import Outcome, PaymentOrder, PaymentView

pytestmark = pytest.mark.gui


def pay(qtbot, services, order: PaymentOrder, timeout_ms: int = 15000) -> PaymentView:
    """Start ``order`` and wait for its final report (the reply of whoever asked)."""
    seen: list[PaymentView] = []
    request_id = services.payments.start(order, seen.append)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].outcome is not Outcome.IN_PROGRESS,
                    timeout=timeout_ms)
    assert {v.request_id for v in seen} == {request_id}
    return seen[-1]


@pytest.fixture
def real_services(qtbot, tmp_path):
    from ui.composition.kiosk_services import build_services
    keys = tmp_path / "keys"
    generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
    start_new_journal(tmp_path / "payterm.db")
    with start_simulator(tmp_path / "sim.db", keys) as sim:
        ctx = build_context(str(tmp_path), None, env={}, with_logging=False, overrides={
            "host": {"base_url": sim.url}, "printer": {"enabled": False},
            "face": {"enabled": False}})
        services = build_services(ctx, camera_problem="测试无摄像头 / no camera in this test")
        yield services, sim
        services.stop()
        ctx.close()


def test_code_payment_and_transactions(real_services, qtbot):
    services, _sim = real_services
    bridge = services.bridge
    assert services.payments.capability("wallet").available
    view = pay(qtbot, services, PaymentOrder.with_code(1234, code_for(Behaviour.APPROVE, 1)))
    assert view.outcome is Outcome.APPROVED and view.amount_fen == 1234 and view.payer.startswith("28")
    with qtbot.waitSignal(bridge.receipt_printed, timeout=5000) as printed:
        services.printing.print_receipt(view.out_trade_no)
    assert not printed.args[0].printed and "￥12.34" in printed.args[0].preview_text
    with qtbot.waitSignal(bridge.transactions_loaded, timeout=5000) as loaded:
        services.transactions.load()
    assert [r.out_trade_no for r in loaded.args[0].recent] == [view.out_trade_no]


def test_declined_code_and_cash_then_end_of_day(real_services, qtbot):
    services, _sim = real_services
    bridge = services.bridge
    declined = pay(qtbot, services,
                   PaymentOrder.with_code(500, code_for(Behaviour.DECLINE_BALANCE, 2)))
    assert declined.outcome is Outcome.DECLINED and "余额不足" in declined.message
    cash = pay(qtbot, services, PaymentOrder.with_cash(1000, 2000), 5000)
    assert cash.outcome is Outcome.APPROVED and cash.change_fen == 1000
    with qtbot.waitSignal(bridge.end_of_day_finished, timeout=20000) as eod:
        services.end_of_day.close_day()
    result = eod.args[0]
    # Either the sync worker already forwarded the cash sale (closed, with a Z-report)
    # or it is still unsynced (refused, saying so): never closed with records in doubt.
    assert result.closed or any("未上传" in b for b in result.blockers)
    if result.closed:
        assert "Z" in result.report_text


def test_host_down_disables_codes_in_status(real_services, qtbot):
    services, sim = real_services
    sim.take_down()
    with qtbot.waitSignal(services.bridge.status_changed, timeout=10000) as status:
        services.status.refresh()
    assert not status.args[0].host_online
    refused = services.payments.capability("wallet")
    assert not refused.available and "Payment codes need the host" in refused.reason
    # The tender itself refuses too (nothing journaled), with the same reason.
    code = pay(qtbot, services, PaymentOrder.with_code(300, code_for(Behaviour.APPROVE, 3)))
    assert code.outcome is Outcome.DECLINED and code.out_trade_no == ""
    assert "Payment codes need the host" in code.message
    cash = pay(qtbot, services, PaymentOrder.with_cash(800, 800), 5000)
    assert cash.outcome is Outcome.APPROVED and cash.offline


def test_one_host_client_serves_every_worker(qtbot, tmp_path, monkeypatch):
    """Payments, refunds, the status probe, the resolver and the sync worker share the
    context's one client: the key files are read and the pool is opened once."""
    import ui.composition.context as context_module
    from ui.composition.kiosk_services import build_services
    opened, epochs = [], []
    real_open = context_module.open_host_client

    def counting_open(*args, **kwargs):
        epochs.append(kwargs.get("journal_epoch"))
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(context_module, "open_host_client", counting_open)
    keys = tmp_path / "keys"
    generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
    epoch, _moved = start_new_journal(tmp_path / "payterm.db")
    with start_simulator(tmp_path / "sim.db", keys) as sim:
        ctx = build_context(str(tmp_path), None, env={}, with_logging=False, overrides={
            "host": {"base_url": sim.url}, "printer": {"enabled": False},
            "face": {"enabled": False}})
        services = build_services(ctx, camera_problem="no camera in this test")
        try:
            view = pay(qtbot, services,
                       PaymentOrder.with_code(100, code_for(Behaviour.APPROVE, 4)))
            assert view.outcome is Outcome.APPROVED
            with qtbot.waitSignal(services.bridge.status_changed, timeout=10000) as status:
                services.status.refresh()
            assert status.args[0].host_online
            with qtbot.waitSignal(services.bridge.refund_finished, timeout=10000) as refund:
                services.transactions.refund(view.out_trade_no, 50)
            assert refund.args[0].accepted
            assert len(opened) == 1 and ctx.host_client() is opened[0]
            assert epochs == [epoch]      # the one client names this journal
        finally:
            services.stop()
            ctx.close()


def test_member_payment_without_an_identified_member_is_refused(real_services, qtbot):
    services, _sim = real_services
    view = pay(qtbot, services, PaymentOrder.for_member(100, None), 5000)
    assert view.outcome is Outcome.DECLINED and "No member identified" in view.message


def test_a_failure_before_anything_was_taken_goes_back_to_the_caller(qtbot, tmp_path):
    """The disk floor is above the free space: the cash tender's job fails with
    StorageFull on the worker, and that sentence is the caller's declined view (not a
    signal for whichever screen is showing)."""
    import shutil
    from ui.composition.kiosk_services import build_services
    if shutil.disk_usage(tmp_path).free >= 100_000 * 2**20:
        pytest.skip("more than the largest storage.min_free_disk_mb (100 GB) is free here")
    ctx = build_context(str(tmp_path), None, env={}, with_logging=False, overrides={
        "offline": {"forced_offline": True}, "printer": {"enabled": False},
        "face": {"enabled": False}, "storage": {"min_free_disk_mb": 100_000}})
    services = build_services(ctx, camera_problem="no camera in this test")
    failures = []
    services.bridge.task_failed.connect(lambda *args: failures.append(args))
    try:
        view = pay(qtbot, services, PaymentOrder.with_cash(500, 500), 5000)
        assert view.outcome is Outcome.DECLINED and view.out_trade_no == ""
        assert "Storage full" in view.message
        assert failures == []
    finally:
        services.stop()
        ctx.close()


def test_the_kiosk_does_not_start_on_a_lost_journal(qtbot, tmp_path):
    from terminal.errors import JournalMissing
    from ui.composition.kiosk_services import build_services
    keys = tmp_path / "keys"
    generate_key_pair(keys / "terminal_private.pem", keys / "terminal_public.pem")
    (tmp_path / "payterm.db").write_bytes(b"")
    ctx = build_context(str(tmp_path), None, env={}, with_logging=False, overrides={
        "printer": {"enabled": False}, "face": {"enabled": False}})
    try:
        with pytest.raises(JournalMissing) as info:
            build_services(ctx, camera_problem="测试无摄像头 / no camera in this test")
    finally:
        ctx.close()
    assert "journal new --confirm" in str(info.value)
    assert (tmp_path / "payterm.db").read_bytes() == b""     # left exactly as it was
