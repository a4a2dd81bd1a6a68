"""Pay with a payment code: live camera with the code outlined, or the scanner gun."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from terminal.money import format_amount
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.camera_view import CameraView
from ui.services.views import PaymentOrder


class ScanScreen(Screen):
    name = "scan"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.amount_fen = 0
        self.amount_label = label("scan_amount", "amount", wrap=False)
        self.prompt = label("scan_prompt", "title")
        for widget in (self.amount_label, self.prompt):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_view = CameraView()
        self.camera_view.setObjectName("scan_camera")
        self.cancel_button = button("scan_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.amount_label)
        layout.addWidget(self.prompt)
        layout.addWidget(self.camera_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.cancel_button, 1)
        layout.addLayout(row)
        shell.bridge.frame_captured.connect(self._on_frame)
        self.retranslate()

    def entered(self, amount_fen: int = 0, **params) -> None:
        self.amount_fen = amount_fen
        self.amount_label.setText(format_amount(amount_fen))
        self.camera_view.clear()
        camera = self.shell.services.camera.capability()
        self.camera_view.set_message("" if camera.available else
                                     self.shell.tr.pick(camera.reason) + "\n" +
                                     self.t("scan.use_gun"))
        if camera.available:
            self.shell.services.camera.start("code")

    def left(self) -> None:
        self.shell.services.camera.stop()

    def _on_frame(self, frame) -> None:
        if self.shell.current() is self:
            self.camera_view.show_frame(frame)

    def on_code(self, text: str) -> None:
        self.shell.services.camera.stop()
        self.shell.go("result", order=PaymentOrder.with_code(self.amount_fen, text))

    def retranslate(self) -> None:
        self.prompt.setText(self.t("scan.prompt"))
        self.cancel_button.setText(self.t("common.cancel"))
