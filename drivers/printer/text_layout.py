"""Column layout on a receipt printer in Chinese mode.

In Chinese mode (``FS &``) an ASCII byte prints half-width (one column, 12 dots with
font A) and every multi-byte character prints full-width (two columns, 24 dots). So
the width of a string on paper is 1 per ASCII character and 2 per anything else, which
is what ``display_width`` counts (not Unicode's East-Asian-width, which disagrees for
characters like "·" and "×" that GBK encodes as two bytes).
"""

from __future__ import annotations


def char_width(ch: str) -> int:
    return 1 if ord(ch) < 0x80 else 2


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Split into lines of at most ``columns`` columns, never splitting a character;
    breaks at the last space when an ASCII word would be cut."""
    if columns < 2:
        raise ValueError("need at least two columns")
    lines: list[str] = []
    current, width = "", 0
    for ch in text:
        w = char_width(ch)
        if width + w > columns:
            if ch == " ":                      # the break falls on a space: use it
                lines.append(current)
                current, width = "", 0
                continue
            head, tail = _break_at_space(current)
            lines.append(head)
            current, width = tail, display_width(tail)
        current += ch
        width += w
    if current or not lines:
        lines.append(current)
    return [line.rstrip() for line in lines]


def _break_at_space(line: str) -> tuple[str, str]:
    cut = line.rfind(" ")
    if cut <= 0 or len(line) - cut > 16:
        return line, ""
    return line[:cut], line[cut + 1:]


def two_columns(left: str, right: str, columns: int) -> list[str]:
    """``left`` then ``right`` flush right on the same line when both fit, else the left
    text wrapped and the right text alone on the last line, flush right."""
    gap = columns - display_width(left) - display_width(right)
    if gap >= 1:
        return [left + " " * gap + right]
    lines = wrap(left, columns)
    last_gap = columns - display_width(lines[-1]) - display_width(right)
    if last_gap >= 1:
        lines[-1] = lines[-1] + " " * last_gap + right
    else:
        lines.append(" " * max(0, columns - display_width(right)) + right)
    return lines


def centred(text: str, columns: int) -> list[str]:
    """Wrapped lines centred with spaces (used where alignment commands are not)."""
    return [" " * ((columns - display_width(ln)) // 2) + ln for ln in wrap(text, columns)]


def rule(columns: int, char: str = "-") -> str:
    return char * columns
