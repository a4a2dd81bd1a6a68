"""``payterm support-bundle`` as a process, with secrets planted where a naive bundle
would pick them up: a payment code in a log line and in a settings value, a private key
pasted into a log and into settings, key files and a face image in the data folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import zxingcpp
from PIL import Image

from ui.diagnostics.qr_summary import decode_chunks
from ui.diagnostics.support_bundle import scan_bundle

CODE = "287654321098765432"          # an Alipay-shaped code
PEM = ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
       "-----END PRIVATE KEY-----\n")


def _payterm(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM_DATA_DIR"] = str(data_dir)
    env["PAYTERM__HOST__BASE_URL"] = "http://127.0.0.1:9/gateway.do"
    return subprocess.run([sys.executable, "-m", "ui.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=90)


def _plant(data_dir: Path) -> None:
    logs = data_dir / "logs"
    logs.mkdir()
    (logs / "payterm.log").write_text(
        json.dumps({"msg": f"scanned {CODE}"}) + "\n" + PEM, encoding="utf-8")
    (logs / "payterm.log.1").write_text(f"older line with {CODE}\n", encoding="utf-8")
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700)
    (keys / "terminal_private.pem").write_text(PEM)
    (logs / "stray.pem").write_text(PEM)
    (data_dir / "faces").mkdir()
    (data_dir / "faces" / "member.jpg").write_bytes(b"\xff\xd8face")
    (data_dir / "payterm.toml").write_text(
        f'[terminal]\nstore_name = "call {CODE}"\nsubject = """{PEM}"""\n', encoding="utf-8")


def test_bundle_has_what_support_needs_and_no_secrets(data_dir, tmp_path):
    _plant(data_dir)
    out = tmp_path / "bundle.zip"
    result = _payterm(data_dir, "support-bundle", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        blob = b"\n".join(archive.read(n) for n in names).decode("utf-8", "replace")
        summary = json.loads(archive.read("summary.json"))
        settings = json.loads(archive.read("settings.json"))
    assert {"summary.json", "settings.json", "versions.json", "MANIFEST.json",
            "logs/payterm.log", "logs/payterm.log.1"} <= names
    assert not any(n.startswith("keys") or n.endswith((".pem", ".jpg")) for n in names)
    assert CODE not in blob
    assert "PRIVATE KEY" not in blob and "MIIEvQIBADAN" not in blob
    assert not re.search(r"(?<!\d)\d{16,}(?!\d)", blob)
    assert "2876**********5432" in blob                     # masked, still recognisable
    assert settings["terminal"]["store_name"] == "call 2876**********5432"
    assert {c["name"] for c in summary["diagnostics"]["checks"]} >= {"disk", "queue", "host"}
    assert "key_packages" in json.loads(zipfile.ZipFile(out).read("versions.json"))
    assert scan_bundle(out) == []


def test_the_scan_finds_what_a_naive_zip_would_leak(tmp_path):
    naive = tmp_path / "naive.zip"
    with zipfile.ZipFile(naive, "w") as archive:
        archive.writestr("logs/payterm.log", f"scanned {CODE}\n{PEM}")
        archive.writestr("keys/terminal_private.pem", PEM)
    leaks = scan_bundle(naive)
    assert any("unmasked digit run of 18" in ln for ln in leaks)
    assert any("key material" in ln for ln in leaks)
    assert any("terminal_private.pem: file type" in ln for ln in leaks)


def test_qr_series_decodes_back_to_the_summary(data_dir, tmp_path):
    _plant(data_dir)
    folder = tmp_path / "qr"
    result = _payterm(data_dir, "support-bundle", "--qr", str(folder))
    assert result.returncode == 0, result.stderr
    pngs = sorted(folder.glob("summary-*-of-*.png"))
    assert pngs and pngs[0].name.endswith(f"-of-{len(pngs):02d}.png")
    texts = []
    for png in reversed(pngs):                         # any order
        (found,) = zxingcpp.read_barcodes(Image.open(png))
        texts.append(found.text)
    summary = decode_chunks(texts)
    assert summary["facts"]["terminal_id"] == "T0001"
    assert {c[0] for c in summary["checks"]} >= {"disk", "settings", "host"}
    assert CODE not in json.dumps(summary, ensure_ascii=False)


def test_bundle_needs_a_zip_name_or_a_qr_folder(data_dir):
    assert _payterm(data_dir, "support-bundle").returncode == 2
    assert _payterm(data_dir, "support-bundle", "x.tar").returncode == 2
