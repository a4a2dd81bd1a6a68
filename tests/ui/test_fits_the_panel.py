"""Every screen must fit a 1280x800 kiosk panel, in normal and in elder mode (large
type): a kiosk has no way to scroll a window that is taller than its screen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui

PANEL_W, PANEL_H = 1280, 800


@pytest.mark.parametrize("elder", [False, True])
@pytest.mark.parametrize("mode", ["cashier", "kiosk"])
def test_the_window_fits_the_panel(make_shell, mode, elder):
    shell, _services = make_shell(mode=mode)
    shell.set_elder(elder)
    hint = shell.minimumSizeHint()
    assert hint.width() <= PANEL_W and hint.height() <= PANEL_H, (hint.width(), hint.height())
