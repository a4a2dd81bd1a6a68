"""What the result screen says, in the cashier's or the shopper's voice.

Shoppers at a self-service kiosk never read staff wording ("do not charge again",
"Today's sales → Being resolved", the host's trade details): they get what happened to
their money and what to do now."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.money import format_amount
from ui.i18n import Translator
from ui.services.views import Outcome, PaymentView

#: Icon (never colour alone) and panel role per outcome.
LOOKS = {Outcome.IN_PROGRESS: ("", "panel-processing"),
         Outcome.WAITING_PASSWORD: ("", "panel-processing"),
         Outcome.APPROVED: ("✓", "panel-approved"),
         Outcome.DECLINED: ("✗", "panel-declined"),
         Outcome.RESOLVING: ("!", "panel-pending"),
         Outcome.HELD: ("!", "panel-pending")}


@dataclass(frozen=True)
class ResultCopy:
    icon: str
    panel_role: str
    headline: str
    message: str


def result_copy(tr: Translator, view: PaymentView | None, *, shopper: bool) -> ResultCopy:
    outcome = view.outcome if view else Outcome.IN_PROGRESS
    icon, role = LOOKS[outcome]
    voice = "shopper" if shopper else "cashier"
    headline = tr.t(f"result.{voice}.{outcome.value}")
    return ResultCopy(icon, role, headline, _message(tr, view, outcome, shopper))


def _message(tr: Translator, view: PaymentView | None, outcome: Outcome,
             shopper: bool) -> str:
    if outcome is Outcome.IN_PROGRESS:
        return "" if shopper else tr.t("result.processing")
    if shopper:
        if outcome is Outcome.APPROVED:
            return tr.t("result.shopper.thanks")
        if outcome is Outcome.DECLINED:
            return tr.pick(view.message)
        if outcome is Outcome.WAITING_PASSWORD:
            return tr.t("result.shopper.password_hint")
        return tr.t("result.shopper.pending_note")
    # Waiting: the headline already says it; the countdown follows.
    lines = [] if outcome is Outcome.WAITING_PASSWORD else [tr.pick(view.message)]
    if view.tender == "cash" and view.change_fen:
        lines.append(tr.t("cash.change", amount=format_amount(view.change_fen)))
    if view.offline:
        lines.append(tr.t("result.offline_note"))
    if outcome is Outcome.RESOLVING:
        lines.append(tr.t("result.resolving_note"))
    if outcome is Outcome.HELD:
        lines.append(tr.t("result.held_note"))
    return "\n".join(lines)
