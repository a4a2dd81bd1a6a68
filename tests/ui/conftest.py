"""A kiosk window on fake services, offscreen."""

from __future__ import annotations

import pytest

from terminal.settings.model import settings_from
from tests.ui.fakes.services import fake_services


@pytest.fixture
def make_shell(qtbot, data_dir):
    """``make_shell(mode="cashier", kiosk={...})`` → (shell, services)."""
    from ui.i18n import Language, Translator
    from ui.kiosk.shell import Shell, ShellOptions
    from ui.technician_pin import TechnicianPin
    from ui.voice import Voice
    made = []

    def make(mode: str = "cashier", elder: bool = False, **sections):
        data = {"kiosk": {"voice_enabled": False, **sections.pop("kiosk", {})}, **sections}
        settings = settings_from(data, {})
        services = fake_services(data_dir, settings)
        shell = Shell(services, settings, tr=Translator(Language.ZH),
                      voice=Voice(enabled=False),
                      pin=TechnicianPin(data_dir / "keys" / "pin", max_failures=3,
                                        lockout_s=60),
                      options=ShellOptions(mode=mode, elder=elder))
        qtbot.addWidget(shell)
        shell.show()
        shell.go_home()
        made.append(shell)
        return shell, services

    yield make
    for shell in made:
        shell.allow_exit()
        shell.close()
