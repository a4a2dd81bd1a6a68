"""What "fits the panel" means, measured on the real widgets: inside the 1280x800 window,
no text cut (the text's font metrics against the widget's size), touch targets and font
sizes at least the minimum of the mode (elder: the elder-friendly guideline)."""

from __future__ import annotations

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QApplication, QLabel,
                               QWidget)

PANEL_W, PANEL_H = 1280, 800
#: (smallest touch target, smallest text, main action height, amount, prompt) in px
STANDARD_MIN = dict(target=48, text=18, main=72, amount=60, prompt=48)
ELDER_MIN = dict(target=60, text=30, main=96, amount=120, prompt=48)


def settle(shell) -> None:
    for _ in range(3):
        QApplication.processEvents()
    # Painting polishes every page of the stack with the style sheet (fonts, paddings):
    # before it, a page never shown yet understates the height it will need.
    shell.grab()
    shell.resize(PANEL_W, PANEL_H)
    for _ in range(3):
        QApplication.processEvents()


def _in_scroll_area(widget: QWidget) -> bool:
    """Rows of a table or list scroll: they may lie beyond their view by design."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def visible_widgets(shell) -> list[QWidget]:
    return [w for w in shell.findChildren(QWidget) if w.isVisibleTo(shell)
            and w.window() is shell and not _in_scroll_area(w)]


def _ascii_words(text: str) -> list[str]:
    return [word for word in text.split() if word.isascii()]


def label_problem(widget: QLabel) -> str:
    text = widget.text()
    if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
        return ""
    metrics, box = widget.fontMetrics(), widget.contentsRect()
    if "{" in text:
        return f"unformatted text {text!r}"
    if widget.wordWrap():
        if widget.heightForWidth(widget.width()) > widget.height() + 1:
            return (f"wrapped text needs {widget.heightForWidth(widget.width())} px, "
                    f"has {widget.height()}: {text!r}")
        for word in _ascii_words(text):
            if metrics.horizontalAdvance(word) > box.width():
                return f"word {word!r} wider than {box.width()} px"
        return ""
    lines = text.split("\n")
    wide = max(metrics.horizontalAdvance(line) for line in lines)
    tall = metrics.lineSpacing() * len(lines)
    if wide > box.width() + 1 or tall > box.height() + 2:
        return f"text {wide}x{tall} px in {box.width()}x{box.height()}: {text!r}"
    return ""


def button_problem(widget: QAbstractButton, least: dict, shopper: bool) -> str:
    text = widget.text()
    if widget.width() < least["target"] or widget.height() < least["target"]:
        return f"touch target {widget.width()}x{widget.height()} < {least['target']}"
    if shopper and widget.property("role") in ("primary", "alt") and \
            widget.height() < least["main"]:
        return f"main action {widget.height()} px tall < {least['main']}"
    if not text:
        return ""
    metrics = widget.fontMetrics()
    lines = text.split("\n")
    wide = max(metrics.horizontalAdvance(line) for line in lines)
    tall = metrics.lineSpacing() * len(lines)
    if wide > widget.width() - 20 or tall > widget.height() - 8:
        return f"text {wide}x{tall} px in {widget.width()}x{widget.height()}: {text!r}"
    return ""


def font_problem(widget: QWidget, least: dict, shopper: bool) -> str:
    px = QFontInfo(widget.font()).pixelSize()
    if shopper and px < least["text"]:
        return f"text {px} px < {least['text']}"
    role = widget.property("role")
    if shopper and role == "amount" and px < least["amount"]:
        return f"amount {px} px < {least['amount']}"
    if shopper and role == "prompt" and px < least["prompt"]:
        return f"prompt {px} px < {least['prompt']}"
    return ""


def panel_problems(shell, *, elder: bool, shopper: bool) -> list[str]:
    """Everything that does not fit, as sentences naming the widget."""
    settle(shell)
    least = ELDER_MIN if elder else STANDARD_MIN
    found = []
    hint = shell.minimumSizeHint()
    if hint.width() > PANEL_W or hint.height() > PANEL_H:
        found.append(f"window needs {hint.width()}x{hint.height()}")
    if (shell.width(), shell.height()) != (PANEL_W, PANEL_H):
        found.append(f"window is {shell.width()}x{shell.height()}")
    window = shell.rect()
    for widget in visible_widgets(shell):
        name = widget.objectName() or type(widget).__name__
        box = widget.rect().translated(widget.mapTo(shell, widget.rect().topLeft()))
        if not window.contains(box):
            found.append(f"{name} outside the window: {box.getRect()}")
            continue
        problem = ""
        if isinstance(widget, QLabel):
            problem = label_problem(widget) or font_problem(widget, least, shopper)
        elif isinstance(widget, QAbstractButton) and widget.parent() is not None \
                and type(widget).__name__ != "QTabBar":
            problem = (button_problem(widget, least, shopper)
                       or font_problem(widget, least, shopper))
        if problem:
            found.append(f"{name}: {problem}")
    return found
