"""``payterm face ...`` run as a process on a fresh data directory with the real models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from tests.conftest import MODELS_DIR
from tests.unit.drivers.face.face_samples import enrolment_samples, image_path

pytestmark = pytest.mark.models


def payterm(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")}
    env["PAYTERM__FACE__MODELS_DIR"] = str(MODELS_DIR)
    return subprocess.run([sys.executable, "-m", "ui.cli.main", "--data-dir", str(data_dir),
                           "face", *args], capture_output=True, text=True, env=env,
                          timeout=90, cwd=Path(__file__).resolve().parents[3])


def test_enrol_identify_list_delete(tmp_path):
    data = tmp_path / "data"
    files = []
    for label, image in enrolment_samples("kit_harington"):
        path = tmp_path / (label.replace(":", "_") + ".png")
        cv2.imwrite(str(path), image)
        files.append(str(path))
    images = [arg for f in files for arg in ("--image", f)]

    refused = payterm(data, "enroll", "--member", "M100", "--phone", "13800001234", *images)
    assert refused.returncode == 2 and "--consent" in refused.stderr
    assert "I separately consent" in refused.stderr

    bad_name = payterm(data, "enroll", "--member", "M100", "--phone", "13800001234",
                       "--consent", "--name", "x" * 40, *images)
    assert bad_name.returncode == 2 and "member name" in bad_name.stderr

    done = payterm(data, "enroll", "--member", "M100", "--phone", "13800001234", "--consent",
                   "--name", "Kit Harington", *images)
    assert done.returncode == 0, done.stderr
    assert "enrolled M100: 4 templates" in done.stdout

    found = payterm(data, "identify", "--json", str(image_path("kit_harington_2")),
                    str(image_path("group_obama_biden")))
    assert found.returncode == 0, found.stderr
    first, group = json.loads(found.stdout)
    assert first["faces_found"] == 1 and first["best_member"] == "M100"
    assert first["match"] == "match" and first["score"] > 0.4
    assert {"passive_score", "passive_decision", "quality", "decision"} <= set(first)
    assert group["faces_found"] == 2 and group["decision"] == "retry"

    listing = payterm(data, "list", "--json")
    assert json.loads(listing.stdout)["enrolled"] == 1
    assert "M100" in listing.stdout and "vector" not in listing.stdout

    deleted = payterm(data, "delete", "--member", "M100")
    assert deleted.returncode == 0 and "ERASED: M100 (4 templates" in deleted.stdout
    again = payterm(data, "identify", "--json", str(image_path("kit_harington_2")))
    assert json.loads(again.stdout)[0]["best_member"] is None


def test_identify_takes_folders_as_scan_does(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), cv2.imread(str(image_path("obama_2"))))
    cv2.imwrite(str(folder / "b.png"), cv2.imread(str(image_path("group_obama_biden"))))
    (folder / "c.jpg").write_bytes(b"\xff\xd8 not really a photo")
    (folder / "notes.txt").write_text("not an image")
    result = payterm(tmp_path / "data", "identify", "--json", str(folder))
    assert result.returncode == 0, result.stderr
    entries = {Path(e["image"]).name: e for e in json.loads(result.stdout)}
    assert set(entries) == {"a.png", "b.png", "c.jpg"}
    assert entries["a.png"]["faces_found"] == 1 and entries["b.png"]["faces_found"] == 2
    assert "not a readable image" in entries["c.jpg"]["error"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert payterm(tmp_path / "data", "identify", str(empty)).returncode == 2


def test_missing_models_disable_face_pay_with_the_reason(tmp_path):
    env_dir = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--data-dir", str(env_dir), "face", "identify",
         str(image_path("obama_2"))],
        capture_output=True, text=True, timeout=90,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PAYTERM")},
             "PAYTERM__FACE__MODELS_DIR": str(tmp_path / "no-models")})
    assert result.returncode == 4
    assert "face-pay disabled: models folder" in result.stderr
