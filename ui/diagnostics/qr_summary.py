"""The support summary as a numbered series of QR codes, for shops without a network.

The technician photographs the codes on screen (or saves the PNGs); support joins them
with ``decode_chunks``. Each code carries ``PTQ1 <i>/<n> <digest> <data>``: the series
is zlib-compressed JSON in base64url, split in order; ``digest`` (first 8 hex of the
sha256 of the compressed bytes) ties the codes of one series together and proves the
join is complete and unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from pathlib import Path

from terminal.errors import UserFacingError
from ui.diagnostics.bundle_scrub import scrub_text
from ui.diagnostics.runner import DiagReport

PREFIX = "PTQ1"
#: Characters of data per code: about QR version 15 at level M, still easy to read off
#: a screen with a phone.
CHUNK_CHARS = 400


def compact_summary(report: DiagReport, queue: dict) -> dict:
    """Only what fits in a few codes: facts, each check's status and sentence, counts."""
    journal = queue.get("journal") or {}
    outbox = queue.get("outbox") or {}
    return {"facts": report.facts, "overall": report.overall.value,
            "at": round(report.started_at_epoch_s),
            "checks": [[r.name, r.status.value, r.message] for r in report.results],
            "queue": {"unresolved": journal.get("unresolved"),
                      "oldest_unresolved_age_s": journal.get("oldest_unresolved_age_s"),
                      "needs_attention": journal.get("needs_attention"),
                      "outbox": {k: v for k, v in outbox.items() if not isinstance(v, dict)},
                      "error": queue.get("error")}}


def encode_chunks(summary: dict, chunk_chars: int = CHUNK_CHARS) -> list[str]:
    text, _ = scrub_text(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    packed = zlib.compress(text.encode("utf-8"), 9)
    digest = hashlib.sha256(packed).hexdigest()[:8]
    data = base64.urlsafe_b64encode(packed).decode("ascii")
    parts = [data[i:i + chunk_chars] for i in range(0, len(data), chunk_chars)] or [""]
    return [f"{PREFIX} {i}/{len(parts)} {digest} {part}" for i, part in enumerate(parts, 1)]


def decode_chunks(texts: list[str]) -> dict:
    """Join scanned codes (any order) back into the summary; complains about gaps."""
    parts: dict[int, str] = {}
    total, digest = None, None
    for text in texts:
        try:
            prefix, position, chunk_digest, data = text.strip().split(" ", 3)
            index, count = (int(x) for x in position.split("/"))
        except ValueError:
            raise UserFacingError(f"不是 payterm 摘要码 / Not a payterm summary code: "
                                  f"{text[:20]!r}") from None
        if prefix != PREFIX or (digest and chunk_digest != digest) or \
                (total and count != total):
            raise UserFacingError("二维码不属于同一组 / The codes are not from one series")
        total, digest = count, chunk_digest
        parts[index] = data
    missing = [i for i in range(1, (total or 0) + 1) if i not in parts]
    if not parts or missing:
        raise UserFacingError(f"缺少第 {missing} 个码 / Codes missing: {missing}")
    packed = base64.urlsafe_b64decode("".join(parts[i] for i in range(1, total + 1)))
    if hashlib.sha256(packed).hexdigest()[:8] != digest:
        raise UserFacingError("二维码内容损坏 / The codes' content is damaged")
    return json.loads(zlib.decompress(packed).decode("utf-8"))


def write_qr_pngs(chunks: list[str], folder: Path, *, scale: int = 6) -> list[Path]:
    """One PNG per chunk, ``summary-01-of-03.png``..., each captioned with its number."""
    import segno
    from PIL import Image, ImageDraw

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("summary-*-of-*.png"):
        stale.unlink()
    written = []
    for index, chunk in enumerate(chunks, 1):
        path = folder / f"summary-{index:02d}-of-{len(chunks):02d}.png"
        code = segno.make(chunk, error="m", micro=False)
        code.save(path, scale=scale, border=4)
        image = Image.open(path).convert("RGB")
        captioned = Image.new("RGB", (image.width, image.height + 24), "white")
        captioned.paste(image, (0, 0))
        ImageDraw.Draw(captioned).text((scale * 4, image.height + 4),
                                       f"payterm {index} / {len(chunks)}", fill="black")
        captioned.save(path)
        written.append(path)
    return written
