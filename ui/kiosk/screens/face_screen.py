"""Face-pay: live preview with the face boxed, quality guidance, liveness prompts, and
at every moment a visible way to pay with a payment code instead."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.camera_view import CameraView
from ui.services.views import PaymentOrder

CHALLENGE_KEYS = {"blink": "face.challenge_blink", "turn_left": "face.challenge_turn_left",
                  "turn_right": "face.challenge_turn_right"}


class FaceScreen(Screen):
    name = "face"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount_fen = 0
        self.failed_sentence = ""
        self.guidance_sentence = ""
        self.challenge = ""
        self.amount_label = label("face_amount", "amount")
        self.prompt = label("face_prompt", "title")
        self.guidance = label("face_guidance")
        self.camera_view = CameraView()
        self.camera_view.setObjectName("face_camera")
        self.retry_button = button("face_retry")
        self.retry_button.clicked.connect(lambda: self.entered(amount_fen=self.amount_fen))
        self.code_button = button("face_code_instead", "alt")
        self.code_button.clicked.connect(self.pay_with_code)
        self.cancel_button = button("face_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.prompt, 2)
        top.addWidget(self.amount_label, 1)
        layout.addLayout(top)
        layout.addWidget(self.camera_view, 1)
        layout.addWidget(self.guidance)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.code_button, 2)
        layout.addLayout(row)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._timed_out)
        bridge = shell.bridge
        bridge.frame_captured.connect(self._on_frame)
        bridge.face_progressed.connect(self._on_progress)
        bridge.face_identified.connect(self._on_identified)
        bridge.face_failed.connect(self._on_failed)
        bridge.camera_changed.connect(self._on_camera_changed)
        self.camera_lost_sentence = ""

    def entered(self, amount_fen: int = 0, **params) -> None:
        self.amount_fen = amount_fen
        self.failed_sentence = ""
        self.camera_lost_sentence = ""
        self.guidance_sentence = ""
        self.challenge = ""
        self.camera_view.clear()
        self.retranslate()
        services = self.shell.services
        capability = services.face_pay.capability()
        if not capability.available:
            self._on_failed(capability.reason)
            return
        services.camera.start("face")
        services.face_pay.start(amount_fen)
        self._timeout.start(int(self.shell.settings.kiosk.face_timeout_s * 1000))

    def left(self) -> None:
        self._timeout.stop()
        self.shell.services.face_pay.cancel()
        self.shell.services.camera.stop()

    def pay_with_code(self) -> None:
        self.shell.go("scan", amount_fen=self.amount_fen)

    def on_code(self, text: str) -> None:
        """A customer who shows a code here means it: pay with it."""
        self.shell.go("result", order=PaymentOrder.with_code(self.amount_fen, text))

    def _active(self) -> bool:
        return self.shell.current() is self

    def _on_frame(self, frame) -> None:
        if self._active():
            self.camera_view.show_frame(frame)

    def _on_progress(self, progress) -> None:
        if not self._active() or self.failed_sentence:
            return
        self.guidance_sentence = progress.guidance
        self.challenge = progress.challenge
        self.retranslate()

    def _on_identified(self, match) -> None:
        if not self._active():
            return
        self._timeout.stop()
        target = "stepup" if match.step_up else "confirm"
        self.shell.go(target, amount_fen=self.amount_fen, match=match)

    def _on_camera_changed(self, capability) -> None:
        """The USB camera was pulled (or came back): say so in both languages meanwhile,
        and start a fresh session when it is back (liveness needs an unbroken view)."""
        if not self._active() or self.failed_sentence:
            return
        if not capability.available:
            self._timeout.stop()
            self.shell.services.face_pay.cancel()
            self.camera_lost_sentence = capability.reason
            self.camera_view.clear()
        elif self.camera_lost_sentence:
            self.camera_lost_sentence = ""
            self.guidance_sentence = self.challenge = ""
            self.shell.services.face_pay.start(self.amount_fen)
            self._timeout.start(int(self.shell.settings.kiosk.face_timeout_s * 1000))
        self.retranslate()

    def _on_failed(self, sentence: str) -> None:
        if not self._active():
            return
        self._timeout.stop()
        self.failed_sentence = sentence
        self.shell.services.face_pay.cancel()
        self.retranslate()

    def _timed_out(self) -> None:
        self._on_failed(self.t("face.timeout"))

    def retranslate(self) -> None:
        self.amount_label.setText(format_amount(self.amount_fen))
        self.prompt.setText(self.t("face.prompt"))
        if self.failed_sentence:
            text = self.shell.tr.pick(self.failed_sentence) + "\n" + self.t("face.other_way")
        elif self.camera_lost_sentence:
            text = "\n".join(part.strip() for part in self.camera_lost_sentence.split(" / "))
        elif self.challenge in CHALLENGE_KEYS:
            text = self.t(CHALLENGE_KEYS[self.challenge])
        elif self.guidance_sentence:
            text = self.shell.tr.pick(self.guidance_sentence)
        else:
            text = self.t("face.look")
        self.guidance.setText(text)
        self.retry_button.setText(self.t("face.retry"))
        self.retry_button.setVisible(bool(self.failed_sentence))
        self.code_button.setText(self.t("face.code_instead"))
        self.cancel_button.setText(self.t("common.cancel"))
