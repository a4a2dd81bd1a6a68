"""Look of the app: fonts that render Chinese, and the standard and elder style sheets.

The colours and sizes are data (``palette``, ``metrics``) so the tests compute contrast
ratios and minimum sizes from what is really drawn. Elder mode follows the national
elder-friendly app guideline (main targets >= 60 px, main text >= 30 px, never colour
alone): large amount and prompts, main actions 96 px tall, results on a full-colour
panel with a ✓/✗/! icon.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase

CJK_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC",
                "Droid Sans Fallback")


def pick_font_family() -> str:
    """The first installed family that has Chinese glyphs (else Qt's default)."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    return QFont().defaultFamily()


@dataclass(frozen=True)
class Metrics:
    body: int           # every text
    hint: int           # secondary lines
    title: int          # headings
    prompt: int         # what the shopper must do now (face, scan, processing)
    amount: int         # the amount to pay
    key: int            # keypad digits
    button: int         # min height of any button
    main_button: int    # min height of the screen's main actions (role primary / alt)


STANDARD = Metrics(body=20, hint=18, title=30, prompt=48, amount=64, key=32, button=56,
                   main_button=72)
ELDER = Metrics(body=30, hint=30, title=44, prompt=52, amount=120, key=48, button=64,
                main_button=96)


def metrics(elder: bool) -> Metrics:
    return ELDER if elder else STANDARD


#: Colours; "panel-*" are the full-colour result panels (white text on them).
STANDARD_PALETTE = dict(
    bg="#f4f6f8", fg="#1d2329", button="#ffffff", button_fg="#1d2329", accent="#1456c8",
    accent_fg="#ffffff", border="#8c959f", muted="#4b5560", disabled_bg="#d0d5db",
    disabled_fg="#3d4550", danger="#b42318", danger_fg="#ffffff",
    panel_approved="#067647", panel_declined="#b42318", panel_pending="#93370d",
    panel_fg="#ffffff", error_bg="#fef3f2", error_fg="#b42318")
ELDER_PALETTE = dict(
    bg="#000000", fg="#ffffff", button="#1a1a1a", button_fg="#ffffff", accent="#ffd400",
    accent_fg="#000000", border="#ffffff", muted="#ffffff", disabled_bg="#3a3a3a",
    disabled_fg="#e6e6e6", danger="#ff5a4f", danger_fg="#000000",
    panel_approved="#05603a", panel_declined="#a01b10", panel_pending="#7a2e0b",
    panel_fg="#ffffff", error_bg="#a01b10", error_fg="#ffffff")
#: The status banner (staff only) and the status dot.
BANNER = {"banner-offline": ("#b42318", "#ffffff"), "banner-online": ("#344054", "#ffffff"),
          "banner-alarm": ("#7a271a", "#fec84b")}


def palette(elder: bool) -> dict[str, str]:
    return ELDER_PALETTE if elder else STANDARD_PALETTE


def style_sheet(elder: bool) -> str:
    c, m = palette(elder), metrics(elder)
    banners = "\n".join(
        f'QLabel[role="{role}"] {{ background: {bg}; color: {fg}; padding: 6px; '
        f'font-size: {STANDARD.hint}px; font-weight: bold; }}'   # staff only: never elder
        for role, (bg, fg) in BANNER.items())
    return f"""
    QWidget {{ background: {c['bg']}; color: {c['fg']}; font-size: {m.body}px; }}
    QPushButton {{ background: {c['button']}; color: {c['button_fg']};
        border: 2px solid {c['border']}; border-radius: 10px; padding: 6px 14px;
        min-height: {m.button}px; min-width: {m.button}px; }}
    QPushButton:pressed {{ background: {c['border']}; }}
    QPushButton[role="primary"] {{ background: {c['accent']}; color: {c['accent_fg']};
        border-color: {c['accent']}; font-weight: bold; min-height: {m.main_button}px; }}
    QPushButton[role="alt"] {{ border-color: {c['accent']}; font-weight: bold;
        min-height: {m.main_button}px; }}
    QPushButton[role="danger"] {{ background: {c['danger']}; color: {c['danger_fg']};
        border-color: {c['danger']}; font-weight: bold; min-height: {m.main_button}px; }}
    QPushButton[role="key"] {{ font-size: {m.key}px; font-weight: bold; padding: 0px; }}
    QPushButton[role="textkey"] {{ padding: 2px; min-width: {m.button - 8}px;
        min-height: {m.button - 8}px; font-weight: bold; }}
    QPushButton[role="quiet"] {{ border: none; background: transparent; }}
    QPushButton:disabled, QPushButton[role="primary"]:disabled,
    QPushButton[role="alt"]:disabled, QPushButton[role="danger"]:disabled {{
        background: {c['disabled_bg']}; color: {c['disabled_fg']};
        border: 2px dashed {c['disabled_fg']}; font-weight: normal; }}
    QLabel[role="amount"] {{ font-size: {m.amount}px; font-weight: bold; }}
    QLabel[role="title"] {{ font-size: {m.title}px; font-weight: bold; }}
    QLabel[role="reading"] {{ font-size: {m.title}px; }}
    QLabel[role="prompt"] {{ font-size: {m.prompt}px; font-weight: bold; }}
    QLabel[role="hint"] {{ color: {c['muted']}; font-size: {m.hint}px; }}
    QLabel[role="icon"] {{ font-size: {m.amount}px; font-weight: bold; }}
    {banners}
    QLabel[role="error"] {{ background: {c['error_bg']}; color: {c['error_fg']}; padding: 6px;
        border: 2px solid {c['error_fg']}; font-size: {m.hint}px; }}
    QFrame[role="panel-approved"], QFrame[role="panel-approved"] QLabel {{
        background: {c['panel_approved']}; color: {c['panel_fg']}; }}
    QFrame[role="panel-declined"], QFrame[role="panel-declined"] QLabel {{
        background: {c['panel_declined']}; color: {c['panel_fg']}; }}
    QFrame[role="panel-pending"], QFrame[role="panel-pending"] QLabel {{
        background: {c['panel_pending']}; color: {c['panel_fg']}; }}
    QFrame[role="panel-processing"], QFrame[role="panel-processing"] QLabel {{
        background: {c['bg']}; color: {c['fg']}; }}
    QPlainTextEdit, QLineEdit, QTableWidget {{ background: {c['button']};
        color: {c['button_fg']}; border: 1px solid {c['border']}; }}
    QLineEdit {{ min-height: {m.button}px; font-size: {m.title}px; }}
    QCheckBox {{ font-size: {m.body}px; min-height: {m.button}px; }}
    QCheckBox::indicator {{ width: {m.button - 8}px; height: {m.button - 8}px; }}
    QTableWidget {{ font-size: {m.body}px; }}
    QHeaderView::section {{ background: {c['bg']}; color: {c['fg']}; font-weight: bold; }}
    QTabBar QToolButton {{ min-width: {m.button}px; min-height: {m.button}px; }}
    QTabBar::tab {{ min-height: {m.button - 8}px; padding: 4px 16px; }}
    """
