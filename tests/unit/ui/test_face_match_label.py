"""Face-pay's identification reaches the confirmation with the member as shoppers know
themselves: masked name and phone from the real encrypted face store."""

from __future__ import annotations

import types

import numpy as np

from offline_queue.face_store import open_face_store
from terminal.face_pay_session import FacePayStep, NextStep
from terminal.ports.face import ConsentRecord
from terminal.settings.model import settings_from
from ui.services.face_service import FaceService


class Recorder:
    def __init__(self) -> None:
        self.sent = []

    def __getattr__(self, name):
        return types.SimpleNamespace(emit=lambda *args: self.sent.append((name, args)))


def service(tmp_path, bridge):
    store = open_face_store(tmp_path / "payterm.db", tmp_path / "face.key")
    blob = np.ones(512, "<f4").tobytes()
    store.enrol("M0001", "13800000100", [blob], "v",
                ConsentRecord("M0001", 1.0, "text", "1", "test"), name="王小明")
    store.enrol("M0002", "13900005678", [blob], "v",
                ConsentRecord("M0002", 1.0, "text", "1", "test"))
    camera = types.SimpleNamespace()
    return FaceService(bridge, settings_from({}, {}), loader=lambda: None, camera=camera,
                       store_factory=lambda: store), store


def test_the_match_carries_the_masked_name_and_phone(tmp_path):
    bridge = Recorder()
    face, store = service(tmp_path, bridge)
    face._report(FacePayStep(NextStep.PAY, member_id="M0001"))
    face._report(FacePayStep(NextStep.STEP_UP, member_id="M0002"))
    matches = [args[0] for name, args in bridge.sent if name == "face_identified"]
    assert matches[0].member_label == "**明 138****0100" and matches[0].phone_last4 == ""
    assert matches[1].member_label == "139****5678" and matches[1].phone_last4 == "5678"
    store.close()
