"""Colours read well (WCAG contrast from the real palette, and the palette is what is
drawn), disabled buttons look disabled, and shoppers never see staff information."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QLabel

from tests.ui.panel_checks import settle, visible_widgets
from tests.ui.screen_tour import BUSY_STATUS, SHOPPER_STATES, payment
from ui.kiosk.theme import BANNER, palette
from ui.services.views import Outcome

pytestmark = pytest.mark.gui

#: Text on background that must read at 4.5:1 (WCAG AA for normal text).
PAIRS = [("fg", "bg"), ("button_fg", "button"), ("accent_fg", "accent"), ("muted", "bg"),
         ("disabled_fg", "disabled_bg"), ("danger_fg", "danger"), ("error_fg", "error_bg"),
         ("panel_fg", "panel_approved"), ("panel_fg", "panel_declined"),
         ("panel_fg", "panel_pending")]
#: What only staff may read: cashier wording, the queue, trade and terminal numbers.
STAFF_WORDS = ("收款", "顾客", "现金", "待上传", "笔", "终端", "重打", "小票", "员工", "录入",
               "charge", "customer", "cash", "unsynced", "terminal", "reprint", "receipt",
               "staff)", "Enrol", "T2026", "28******", "⚙")


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_computed_right():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("text, background", PAIRS)
def test_palette_contrast_is_at_least_4_5(elder, text, background):
    colours = palette(elder)
    ratio = contrast(colours[text], colours[background])
    assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize("role", sorted(BANNER))
def test_banner_contrast(role):
    assert contrast(*BANNER[role]) >= 4.5


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("outcome, key", [(Outcome.APPROVED, "panel_approved"),
                                          (Outcome.DECLINED, "panel_declined"),
                                          (Outcome.RESOLVING, "panel_pending")])
def test_result_panels_are_drawn_in_the_palette_with_an_icon(make_shell, elder, outcome, key):
    shell, _ = make_shell(mode="kiosk")
    shell.set_elder(elder)
    payment(outcome)(shell)
    settle(shell)
    result = shell.screen("result")
    image = result.panel.grab().toImage()
    assert image.pixelColor(4, 4).name() == palette(elder)[key]
    assert result.icon.isVisible() and result.icon.text() in "✓✗!"
    text = result.outcome_label.palette().color(result.outcome_label.foregroundRole())
    assert contrast(text.name(), palette(elder)[key]) >= 4.5


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_disabled_buttons_are_grey_with_the_reason(make_shell, qtbot, elder):
    shell, services = make_shell()
    shell.set_elder(elder)
    services.payments.offline = True
    shell.go("sale")
    settle(shell)
    sale = shell.screen("sale")
    wallet = sale.tender_buttons["wallet"]
    assert not wallet.isEnabled() and sale.tender_reasons["wallet"].text()
    drawn = wallet.grab().toImage().pixelColor(wallet.width() // 2, 8).name()
    assert drawn == palette(elder)["disabled_bg"] != palette(elder)["accent"]


def test_no_done_button_while_the_payment_is_in_flight(make_shell):
    shell, _ = make_shell(mode="kiosk")
    for outcome in (Outcome.IN_PROGRESS, Outcome.WAITING_PASSWORD):
        payment(outcome)(shell)
        result = shell.screen("result")
        buttons = [w for w in visible_widgets(shell) if isinstance(w, QAbstractButton)
                   and result.isAncestorOf(w)]
        assert buttons == [], [b.objectName() for b in buttons]
        assert result.spinner.isVisible()
    assert "30" in result.countdown.text() and result.countdown.isVisible()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_shoppers_never_see_staff_information(make_shell, qtbot, language, elder):
    shell, services = make_shell(mode="kiosk")
    shell.tr.set_language(language)
    shell.set_elder(elder)
    services.status.status = BUSY_STATUS
    services.status.refresh()
    qtbot.waitUntil(lambda: shell.banner.status is not None)
    seen = []
    for state in SHOPPER_STATES:
        state.show(shell)
        settle(shell)
        assert not shell.banner.isVisible() and not shell.technician_button.isVisible()
        result = shell.screen("result")
        assert not result.receipt.isVisible() and not result.reprint_button.isVisible()
        for widget in visible_widgets(shell):
            if isinstance(widget, (QLabel, QAbstractButton)):
                text = widget.text()
                seen += [f"{state.name}: {w} in {text!r}" for w in STAFF_WORDS if w in text]
    assert not seen, "\n".join(seen)


def test_the_staff_words_check_would_see_the_cashier_screens(make_shell):
    """The check can fail: the cashier's result screen does show staff wording."""
    shell, _ = make_shell(mode="cashier")
    payment(Outcome.RESOLVING)(shell)
    texts = " ".join(w.text() for w in visible_widgets(shell)
                     if isinstance(w, (QLabel, QAbstractButton)))
    assert any(word in texts for word in STAFF_WORDS)
