"""``payterm support-bundle OUT.zip``: what support needs, and nothing that must stay.

In: the recent logs, settings with secrets removed, the diagnostic report, versions, a
queue summary, wire-capture dumps. Never: the keys folder, the database, face templates
or images, payment codes (masked), key material (removed). Every text member is scrubbed
and the finished archive is scanned again before it is moved into place.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from terminal.errors import QueueError, UserFacingError
from terminal.settings.loader import redacted
from ui.diagnostics.bundle_scrub import FORBIDDEN_SUFFIXES, find_leaks, scrub_text
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.facts import installed_versions, terminal_facts
from ui.diagnostics.queue_summary import summarise_store
from ui.diagnostics.runner import DiagReport

#: Folder under the data directory where device drivers dump their wire captures.
WIRE_DUMP_DIR = "wire"
MAX_MEMBER_BYTES = 20 * 1024 * 1024


@dataclass
class BundleManifest:
    members: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)    # file → why not included
    scrubbed: dict[str, int] = field(default_factory=dict)   # member → items masked/removed


def queue_summary(env: DiagEnvironment) -> dict:
    path = env.path(env.settings.storage.database_file)
    try:
        return summarise_store(path, now=env.now())
    except Exception as exc:  # a broken store is exactly when a bundle is needed
        return {"database": str(path), "error": f"{type(exc).__name__}: {exc}"}


def build_support_bundle(env: DiagEnvironment, out_path: Path, report: DiagReport | None
                         ) -> BundleManifest:
    """Write the bundle to ``out_path`` (via a temporary file, replaced atomically)."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".zip":
        raise UserFacingError(f"支持包文件名须以 .zip 结尾 / The bundle name must end in .zip: "
                              f"{out_path}")
    manifest = BundleManifest()
    summary = {"created_at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
               "facts": terminal_facts(env.settings), "queue": queue_summary(env),
               "diagnostics": report.to_dict() if report else None}
    members: dict[str, str] = {
        "summary.json": _json(summary),
        "settings.json": _json(redacted(env.settings)),
        "versions.json": _json(installed_versions()),
    }
    for source, name in _collected_files(env, manifest):
        text = _read_text(source, manifest)
        if text is not None:
            members[name] = text
    temporary = out_path.with_name(out_path.name + ".partial")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in members.items():
                clean, count = scrub_text(text)
                if count:
                    manifest.scrubbed[name] = count
                archive.writestr(name, clean.encode("utf-8"))
                manifest.members.append(name)
            archive.writestr("MANIFEST.json", _json({
                "members": manifest.members, "skipped": manifest.skipped,
                "scrubbed": manifest.scrubbed,
                "never_included": "keys/, the database, face templates and images"}))
        leaks = scan_bundle(temporary)
        if leaks:
            raise QueueError("support bundle refused, it still contains: " + "; ".join(leaks))
        os.replace(temporary, out_path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return manifest


def scan_bundle(path: Path) -> list[str]:
    """Every member that looks like it holds a payment code or key material."""
    leaks: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            leaks += find_leaks(info.filename, archive.read(info))
    return leaks


def _collected_files(env: DiagEnvironment, manifest: BundleManifest):
    """(file, member name) for the logs and wire dumps; keys/ is never walked."""
    log_file = env.path(env.settings.logging.file)
    keys_dir = env.path(env.settings.host.private_key_file).parent.resolve()
    if log_file.parent.is_dir():
        for path in sorted(log_file.parent.iterdir()):
            if path.is_file() and path.name.startswith(log_file.name):
                yield from _allowed(path, f"logs/{path.name}", keys_dir, manifest)
    wire_dir = env.path(WIRE_DUMP_DIR)
    if wire_dir.is_dir():
        for path in sorted(wire_dir.iterdir()):
            if path.is_file():
                yield from _allowed(path, f"wire/{path.name}", keys_dir, manifest)


def _allowed(path: Path, name: str, keys_dir: Path, manifest: BundleManifest):
    if path.resolve().is_relative_to(keys_dir):
        manifest.skipped[str(path)] = "in the keys folder"
    elif path.name.lower().endswith(FORBIDDEN_SUFFIXES):
        manifest.skipped[str(path)] = "file type that may hold keys or face data"
    else:
        yield path, name


def _read_text(path: Path, manifest: BundleManifest) -> str | None:
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - MAX_MEMBER_BYTES))
            data = handle.read()
    except OSError as exc:
        manifest.skipped[str(path)] = f"unreadable: {exc.strerror}"
        return None
    if b"\x00" in data:
        manifest.skipped[str(path)] = "binary file"
        return None
    return data.decode("utf-8", errors="replace")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
