"""Look of the app: fonts that render Chinese, normal and elder (large, high-contrast)
style sheets."""

from __future__ import annotations

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


def style_sheet(elder: bool) -> str:
    base = 28 if elder else 18
    big = 44 if elder else 30
    if elder:
        colours = dict(bg="#000000", fg="#ffff00", button="#1a1a1a", button_fg="#ffffff",
                       accent="#ffff00", accent_fg="#000000", border="#ffffff", muted="#ffffff")
    else:
        colours = dict(bg="#f4f6f8", fg="#1d2329", button="#ffffff", button_fg="#1d2329",
                       accent="#1677ff", accent_fg="#ffffff", border="#c9d1d9", muted="#5b6570")
    return f"""
    QWidget {{ background: {colours['bg']}; color: {colours['fg']}; font-size: {base}px; }}
    QPushButton {{ background: {colours['button']}; color: {colours['button_fg']};
        border: 2px solid {colours['border']}; border-radius: 10px; padding: 6px 12px;
        min-height: {int(base * (1.7 if elder else 2.2))}px; }}
    QPushButton:pressed {{ background: {colours['border']}; }}
    QPushButton:disabled {{ color: {colours['muted']}; border-style: dashed; }}
    QPushButton[role="primary"] {{ background: {colours['accent']}; color: {colours['accent_fg']};
        font-weight: bold; }}
    QPushButton[role="alt"] {{ border-color: {colours['accent']}; font-weight: bold; }}
    QLabel[role="amount"] {{ font-size: {int(big * (1.6 if elder else 2))}px; font-weight: bold; }}
    QLabel[role="title"] {{ font-size: {big}px; font-weight: bold; }}
    QLabel[role="hint"] {{ color: {colours['muted']}; }}
    QLabel[role="banner-offline"] {{ background: #b42318; color: #ffffff; padding: 8px;
        font-weight: bold; }}
    QLabel[role="banner-online"] {{ background: #067647; color: #ffffff; padding: 8px; }}
    QLabel[role="banner-alarm"] {{ background: #7a271a; color: #fec84b; padding: 8px;
        font-weight: bold; }}
    QLabel[role="error"] {{ background: #fef3f2; color: #b42318; padding: 8px;
        border: 2px solid #b42318; }}
    QLabel[role="outcome-approved"] {{ color: #067647; font-size: {big}px; font-weight: bold; }}
    QLabel[role="outcome-declined"] {{ color: #b42318; font-size: {big}px; font-weight: bold; }}
    QLabel[role="outcome-pending"] {{ color: #b54708; font-size: {big}px; font-weight: bold; }}
    QPlainTextEdit, QLineEdit, QTableWidget {{ background: {colours['button']};
        color: {colours['button_fg']}; border: 1px solid {colours['border']}; }}
    QHeaderView::section {{ background: {colours['bg']}; color: {colours['fg']}; }}
    """
