"""Rendering a received receipt as plain text and as a PNG the way the paper looks.

The PNG is a dot-accurate layout (12x24-dot half-width cells, 24x24 full-width, 203
dpi paper width); QR codes are redrawn with segno from the decoded payload and Code128
with python-barcode, so a scanner (pyzbar in the tests) reads them back.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import barcode
import segno
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFont

from drivers.printer.emulator.document import PrintedCode, PrintedLine, ReceivedReceipt
from drivers.printer.text_layout import char_width, display_width

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CELL_W, CELL_H, LINE_GAP = 12, 24, 6
MARGIN = 8


def render_text(receipt: ReceivedReceipt, columns: int) -> str:
    """The receipt as text, alignment applied (double-width lines use half the columns);
    codes appear as ``[QR] payload`` / ``[CODE128] data``."""
    out = []
    for element in receipt.elements:
        if isinstance(element, PrintedLine):
            cols = columns // element.width_mult
            pad = max(0, cols - display_width(element.text))
            lead = {0: 0, 1: pad // 2, 2: pad}[element.align]
            out.append((" " * (lead * element.width_mult) + element.text).rstrip())
        elif element.kind == "image":
            out.append(f"[IMAGE {len(element.rows[0]) if element.rows else 0}x{len(element.rows)}]")
        else:
            out.append(f"[{element.kind.upper()}] {element.data}")
    if receipt.truncated:
        out.append("[TRUNCATED: paper out / cover open during this receipt]")
    out.append("[CUT]" if receipt.cut else "[NOT CUT]")
    return "\n".join(out) + "\n"


def render_png(receipt: ReceivedReceipt, dots_per_line: int) -> Image.Image:
    blocks = [_render_element(e, dots_per_line) for e in receipt.elements]
    height = sum(b.height for b in blocks) + 2 * MARGIN
    # The printable width is dots_per_line; the margins are the paper around it.
    page = Image.new("L", (dots_per_line + 2 * MARGIN, max(height, 2 * MARGIN + 1)), 255)
    y = MARGIN
    for block in blocks:
        page.paste(block, (MARGIN, y))
        y += block.height
    return page


def save_receipt(receipt: ReceivedReceipt, directory: Path, columns: int,
                 dots_per_line: int) -> tuple[Path, Path]:
    """Write ``receipt-NNNN.txt`` and ``.png``; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"receipt-{receipt.index:04d}"
    txt, png = stem.with_suffix(".txt"), stem.with_suffix(".png")
    txt.write_text(render_text(receipt, columns), encoding="utf-8")
    render_png(receipt, dots_per_line).save(png)
    return txt, png


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def _render_element(element: PrintedLine | PrintedCode, width: int) -> Image.Image:
    if isinstance(element, PrintedLine):
        return _render_line(element, width)
    if element.kind == "qr":
        return _aligned(_qr_image(element), width, element.align)
    if element.kind == "image":
        return _aligned(_bitmap_image(element.rows), width, element.align)
    return _aligned(_barcode_image(element), width, element.align)


def _render_line(line: PrintedLine, width: int) -> Image.Image:
    cell_w, cell_h = CELL_W * line.width_mult, CELL_H * line.height_mult
    block = Image.new("L", (width, cell_h + LINE_GAP), 255)
    draw = ImageDraw.Draw(block)
    text_w = display_width(line.text) * cell_w
    x0 = {0: 0, 1: max(0, (width - text_w) // 2), 2: max(0, width - text_w)}[line.align]
    ink = 255 if line.reverse else 0
    if line.reverse:
        draw.rectangle([x0, 0, x0 + text_w - 1, cell_h], fill=0)
    font = _font(cell_h - 2)
    x = x0
    for ch in line.text:
        draw.text((x, 0), ch, font=font, fill=ink)
        if line.bold:
            draw.text((x + 1, 0), ch, font=font, fill=ink)
        x += char_width(ch) * cell_w
    return block


def _qr_image(code: PrintedCode) -> Image.Image:
    buffer = io.BytesIO()
    qr = segno.make_qr(code.data.encode("latin-1"), error="m", boost_error=False)
    qr.save(buffer, kind="png", scale=max(2, code.module_dots), border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def _barcode_image(code: PrintedCode) -> Image.Image:
    symbol = barcode.get("code128", code.data, writer=ImageWriter())
    image = symbol.render(writer_options={"module_width": 0.25, "module_height": 10.0,
                                          "quiet_zone": 2.5, "font_size": 8,
                                          "text_distance": 3.0, "dpi": 203})
    grey: Image.Image = image.convert("L")
    return grey


def _bitmap_image(rows: list[list[bool]]) -> Image.Image:
    height, width = len(rows), len(rows[0]) if rows else 0
    image = Image.new("L", (max(width, 1), max(height, 1)), 255)
    pixels = image.load()
    if pixels is None:  # pragma: no cover - a new in-memory image always loads
        raise RuntimeError("cannot reach the bitmap's pixels")
    for y, row in enumerate(rows):
        for x, black in enumerate(row):
            if black:
                pixels[x, y] = 0
    return image


def _aligned(image: Image.Image, width: int, align: int) -> Image.Image:
    if image.width > width:
        image = image.resize((width, int(image.height * width / image.width)))
    block = Image.new("L", (width, image.height + LINE_GAP), 255)
    x = {0: 0, 1: (width - image.width) // 2, 2: width - image.width}.get(align, 0)
    block.paste(image, (x, 0))
    return block
