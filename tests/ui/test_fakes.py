"""The fakes report like the real services: through the bridge's poster, drained on the
GUI thread, in order."""

from __future__ import annotations

import pytest

from terminal.settings.model import settings_from
from tests.ui.fakes.services import fake_services
from ui.services.views import Outcome

pytestmark = pytest.mark.gui


def test_fake_payment_reports_progress_then_outcome(qtbot, data_dir):
    services = fake_services(data_dir, settings_from({}, {}))
    seen = []
    services.bridge.payment_updated.connect(lambda v: seen.append(v.outcome))
    services.bridge.payment_declined.connect(lambda v: seen.append(v.outcome))
    services.payments.code_script = "declined"
    with qtbot.waitSignal(services.bridge.payment_declined, timeout=5000):
        services.payments.pay_code(100, "281234567890123456")
    assert seen == [Outcome.IN_PROGRESS, Outcome.DECLINED]


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
