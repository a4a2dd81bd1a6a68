"""Face-pay as on a counter face-pay device: the amount on top, the changing prompt as the
headline (and spoken), a mirrored circle around the face with the time left running down
its ring, and "pay with a payment code" as a full-width button at every moment."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.theme import palette
from ui.kiosk.widgets.face_circle import FaceCircle
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
        self.camera_lost_sentence = ""
        self._spoken = ""
        self._deadline = 0.0
        self.amount_label = label("face_amount", "title", wrap=False)
        self.prompt = label("face_prompt", "prompt")
        self.guidance = self.prompt         # the changing prompt is the headline
        self.countdown = label("face_countdown", "hint", wrap=False)
        for widget in (self.amount_label, self.prompt, self.countdown):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_view = FaceCircle()
        self.camera_view.setObjectName("face_camera")
        self.retry_button = button("face_retry")
        self.retry_button.clicked.connect(lambda: self.entered(amount_fen=self.amount_fen))
        self.code_button = button("face_code_instead", "alt")
        self.code_button.clicked.connect(self.pay_with_code)
        self.cancel_button = button("face_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        # Cancel in the top corner (as on counter face-pay devices), the amount centred
        # over the whole width, so "pay with a code" has the bottom to itself.
        top = QGridLayout()
        top.addWidget(self.amount_label, 0, 0, 1, 3)
        top.addWidget(self.cancel_button, 0, 0, Qt.AlignmentFlag.AlignLeft)
        top.setColumnStretch(1, 1)
        layout.addLayout(top)
        layout.addWidget(self.prompt)
        layout.addWidget(self.camera_view, 1)
        layout.addWidget(self.countdown)
        row = QHBoxLayout()
        row.addWidget(self.retry_button, 1)
        row.addWidget(self.code_button, 2)
        layout.addLayout(row)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._timed_out)
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._show_time_left)
        bridge = shell.bridge
        bridge.frame_captured.connect(self._on_frame)
        bridge.face_progressed.connect(self._on_progress)
        bridge.face_identified.connect(self._on_identified)
        bridge.face_failed.connect(self._on_failed)
        bridge.camera_changed.connect(self._on_camera_changed)

    @property
    def timeout_s(self) -> float:
        return self.shell.settings.kiosk.face_timeout_s

    def entered(self, amount_fen: int = 0, **params) -> None:
        self.amount_fen = amount_fen
        self.failed_sentence = self.camera_lost_sentence = ""
        self.guidance_sentence = self.challenge = self._spoken = ""
        self.camera_view.clear()
        self.retranslate()
        services = self.shell.services
        capability = services.face_pay.capability()
        if not capability.available:
            self._on_failed(capability.reason)
            return
        services.camera.start("face")
        services.face_pay.start(amount_fen)
        self._start_clock()

    def _start_clock(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self._timeout.start(int(self.timeout_s * 1000))
        self._tick.start()
        self._show_time_left()

    def _stop_clock(self) -> None:
        self._timeout.stop()
        self._tick.stop()

    def left(self) -> None:
        self._stop_clock()
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
        if self._active() and not self.failed_sentence and not self.camera_lost_sentence:
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
        self._stop_clock()
        target = "stepup" if match.step_up else "confirm"
        self.shell.go(target, amount_fen=self.amount_fen, match=match,
                      thumbnail=self.camera_view.frame)

    def _on_camera_changed(self, capability) -> None:
        """The USB camera was pulled (or came back): say so in both languages meanwhile,
        and start a fresh session when it is back (liveness needs an unbroken view)."""
        if not self._active() or self.failed_sentence:
            return
        if not capability.available:
            self._stop_clock()
            self.shell.services.face_pay.cancel()
            self.camera_lost_sentence = capability.reason
            self.camera_view.clear()
        elif self.camera_lost_sentence:
            self.camera_lost_sentence = ""
            self.guidance_sentence = self.challenge = ""
            self.shell.services.face_pay.start(self.amount_fen)
            self._start_clock()
        self.retranslate()

    def _on_failed(self, sentence: str) -> None:
        if not self._active():
            return
        self._stop_clock()
        self.failed_sentence = sentence
        self.shell.services.face_pay.cancel()
        self.shell.services.camera.stop()
        self.camera_view.clear(self.t("face.other_way"))
        self.camera_view.set_progress(0.0)
        self.retranslate()

    def _timed_out(self) -> None:
        self._on_failed(self.t("face.timeout"))

    def _show_time_left(self) -> None:
        left = max(0.0, self._deadline - time.monotonic())
        self.camera_view.set_progress(left / self.timeout_s if self.timeout_s else 0.0)
        self.countdown.setText(self.t("face.time_left", seconds=int(left + 0.999)))

    def restyle(self, elder: bool) -> None:
        self.camera_view.ring_colour = QColor(palette(elder)["accent"])

    def _headline(self) -> str:
        if self.failed_sentence:
            return self.shell.tr.pick(self.failed_sentence)
        if self.camera_lost_sentence:
            return "\n".join(p.strip() for p in self.camera_lost_sentence.split(" / "))
        if self.challenge in CHALLENGE_KEYS:
            return self.t(CHALLENGE_KEYS[self.challenge])
        if self.guidance_sentence:
            return self.shell.tr.pick(self.guidance_sentence)
        return self.t("face.prompt")

    def retranslate(self) -> None:
        self.amount_label.setText(self.t("face.amount", amount=format_amount(self.amount_fen)))
        headline = self._headline()
        self.prompt.setText(headline)
        if headline != self._spoken and self._active():
            self._spoken = headline
            self.shell.voice.say(headline)
        failed = bool(self.failed_sentence)
        self.countdown.setVisible(not failed and not self.camera_lost_sentence)
        self.retry_button.setText(self.t("face.retry"))
        self.retry_button.setVisible(failed)
        self.cancel_button.setVisible(not (failed and self.shell.elder))
        self.code_button.setText(self.t("face.code_instead"))
        self.cancel_button.setText(self.t("common.cancel"))
