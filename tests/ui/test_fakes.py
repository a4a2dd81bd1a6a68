"""The fakes report like the real services: through the bridge's poster, drained on the
GUI thread, in order."""

from __future__ import annotations

import pytest

from terminal.settings.model import settings_from
from tests.ui.fakes.services import fake_services
from ui.services.views import Outcome, PaymentOrder

pytestmark = pytest.mark.gui


def test_fake_payment_reports_progress_then_outcome_to_the_caller(qtbot, data_dir):
    services = fake_services(data_dir, settings_from({}, {}))
    seen = []
    services.payments.code_script = "declined"
    request_id = services.payments.start(PaymentOrder.with_code(100, "281234567890123456"),
                                         seen.append)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert [v.outcome for v in seen] == [Outcome.IN_PROGRESS, Outcome.DECLINED]
    assert {v.request_id for v in seen} == {request_id}


def test_fake_offline_payments_refuse_codes_but_not_cash(data_dir):
    services = fake_services(data_dir, settings_from({}, {}))
    services.payments.offline = True
    assert not services.payments.capability("wallet").available
    assert services.payments.capability("wallet").reason
    assert services.payments.capability("cash").available


def test_bridge_coalesces_frames(qtbot, data_dir):
    services = fake_services(data_dir, settings_from({}, {}))
    frames = []
    services.bridge.frame_captured.connect(frames.append)
    for seq in range(5):
        services.bridge.poster.frame_captured.emit(seq)
    services.bridge.drain()
    assert frames == [4]
