"""Every screen fits the 1280x800 panel in standard and elder mode, in Chinese and in
English, with the status banner on and off: nothing outside the window, no text cut,
touch targets and type at least the mode's minimum (tests/ui/panel_checks.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui.panel_checks import PANEL_H, PANEL_W, panel_problems
from tests.ui.screen_tour import ALL_STATES, BUSY_STATUS

pytestmark = pytest.mark.gui

#: Set to a folder to keep a PNG of every state (look at them: tests measure, eyes judge).
SHOTS = os.environ.get("PAYTERM_UI_SHOTS", "")


def _tour(make_shell, qtbot, mode, elder, language, banner, states):
    shell, services = make_shell(mode=mode)
    shell.tr.set_language(language)
    shell.set_elder(elder)
    if banner:
        services.status.status = BUSY_STATUS
        services.status.refresh()
        qtbot.waitUntil(lambda: shell.banner.status is not None)
    problems = []
    for state in states:
        state.show(shell)
        qtbot.wait(30)
        tag = f"{state.name}-{'elder' if elder else 'standard'}-{language}" + (
            "-banner" if banner else "")
        problems += [f"{tag}: {p}" for p in panel_problems(
            shell, elder=elder, shopper=state.who == "shopper")]
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shell.grab().save(str(Path(SHOTS) / f"{tag}.png"))
    return problems


@pytest.mark.parametrize("banner", [False, True], ids=["quiet", "banner"])
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("mode", ["cashier", "kiosk"])
def test_every_screen_fits_the_panel(make_shell, qtbot, mode, elder, language, banner):
    states = [s for s in ALL_STATES if s.mode == mode]
    problems = _tour(make_shell, qtbot, mode, elder, language, banner, states)
    assert not problems, "\n".join(problems)


def test_the_checks_catch_a_screen_that_does_not_fit(make_shell, qtbot):
    """The measure itself: a label too long for its place and a tiny button are found."""
    shell, _ = make_shell(mode="kiosk")
    attract = shell.screen("attract")
    attract.welcome.setWordWrap(False)
    attract.welcome.setText("欢迎" * 200)
    found = panel_problems(shell, elder=False, shopper=True)
    assert any("window" in p or "attract_welcome" in p for p in found), found
    attract.welcome.setText("")
    shell.language_button.setFixedSize(20, 20)
    assert any("language_button: touch target" in p
               for p in panel_problems(shell, elder=False, shopper=True))


def test_kiosk_mode_covers_the_whole_screen_even_without_a_window_manager(make_shell):
    """A bare X server ignores "full screen" hints: the geometry itself covers it."""
    from PySide6.QtWidgets import QApplication
    shell, _ = make_shell(mode="kiosk")
    shell.start()
    assert shell.geometry() == QApplication.primaryScreen().geometry()
    cashier, _ = make_shell(mode="cashier")
    cashier.start()
    screen = QApplication.primaryScreen().geometry()
    assert cashier.width() == min(PANEL_W, screen.width())
    assert cashier.height() == min(PANEL_H, screen.height())
