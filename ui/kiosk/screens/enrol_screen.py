"""Live enrolment of a member from the camera, behind the staff PIN, consent first.

Step 1 shows the consent text (a separate consent, as PIPL art. 29 asks for sensitive
personal information); nothing is captured until the member agrees. Step 2 takes the
samples from the live camera and reports the result.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QStackedWidget,
                               QVBoxLayout, QWidget)

from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.camera_view import CameraView


class EnrolScreen(Screen):
    name = "enrol"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.consent_text = shell.settings.face.consent_text
        self.steps = QStackedWidget()
        self.steps.addWidget(self._consent_page())
        self.steps.addWidget(self._capture_page())
        self.cancel_button = button("enrol_cancel")
        self.cancel_button.clicked.connect(shell.go_home)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.cancel_button)
        shell.bridge.frame_captured.connect(self._on_frame)
        shell.bridge.enrolment_finished.connect(self._on_finished)
        shell.bridge.face_progressed.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        return self.steps.currentIndex() == 1 and not self.done

    def _consent_page(self) -> QWidget:
        page = QWidget()
        self.consent_title = label("enrol_consent_title", "title")
        self.consent_body = label("enrol_consent_body")
        self.member_id = QLineEdit()
        self.member_id.setObjectName("enrol_member_id")
        self.phone = QLineEdit()
        self.phone.setObjectName("enrol_phone")
        self.agree = QCheckBox()
        self.agree.setObjectName("enrol_agree")
        self.start_button = button("enrol_start", "primary")
        self.start_button.clicked.connect(self.start)
        self.form_message = label("enrol_form_message", "hint")
        form = QFormLayout()
        self.member_label = label("enrol_member_label", wrap=False)
        self.phone_label = label("enrol_phone_label", wrap=False)
        form.addRow(self.member_label, self.member_id)
        form.addRow(self.phone_label, self.phone)
        layout = QVBoxLayout(page)
        layout.addWidget(self.consent_title)
        layout.addWidget(self.consent_body)
        layout.addLayout(form)
        layout.addWidget(self.agree)
        layout.addWidget(self.form_message)
        layout.addStretch(1)
        layout.addWidget(self.start_button)
        return page

    def _capture_page(self) -> QWidget:
        page = QWidget()
        self.capture_prompt = label("enrol_capture_prompt", "title")
        self.camera_view = CameraView()
        self.camera_view.setObjectName("enrol_camera")
        self.capture_message = label("enrol_capture_message")
        row = QHBoxLayout()
        row.addWidget(self.capture_message, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.capture_prompt)
        layout.addWidget(self.camera_view, 1)
        layout.addLayout(row)
        return page

    def entered(self, **params) -> None:
        self.done = False
        self.steps.setCurrentIndex(0)
        self.member_id.clear()
        self.phone.clear()
        self.agree.setChecked(False)
        self.form_message.clear()
        capability = self.shell.services.enrolment.capability()
        self.start_button.setEnabled(capability.available)
        if not capability.available:
            self.form_message.setText(self.shell.tr.pick(capability.reason))
        self.retranslate()

    def left(self) -> None:
        self.shell.services.camera.stop()

    def start(self) -> None:
        member_id, phone = self.member_id.text().strip(), self.phone.text().strip()
        if not self.agree.isChecked():
            self.form_message.setText(self.t("enrol.need_consent"))
            return
        if not member_id or not phone.isdigit() or len(phone) < 4:
            self.form_message.setText(self.t("enrol.need_fields"))
            return
        self.steps.setCurrentIndex(1)
        self.capture_message.setText(self.t("enrol.capturing"))
        self.shell.services.camera.start("enrol")
        self.shell.services.enrolment.enrol(member_id, phone, self.consent_text)

    def _on_frame(self, frame) -> None:
        if self.shell.current() is self and self.steps.currentIndex() == 1:
            self.camera_view.show_frame(frame)

    def _on_progress(self, progress) -> None:
        if self.shell.current() is self and self.steps.currentIndex() == 1 and not self.done:
            self.capture_message.setText(self.shell.tr.pick(progress.guidance))

    def _on_finished(self, view) -> None:
        if self.shell.current() is not self:
            return
        self.done = True
        self.shell.services.camera.stop()
        self.capture_message.setText(self.shell.tr.pick(view.message))

    def task_failed(self, capability: str, sentence: str) -> None:
        if self.steps.currentIndex() == 1:
            self.done = True
            self.shell.services.camera.stop()
            self.capture_message.setText(self.shell.tr.pick(sentence))

    def retranslate(self) -> None:
        self.consent_title.setText(self.t("enrol.consent_title"))
        self.consent_body.setText(self.shell.tr.pick(self.consent_text))
        self.member_label.setText(self.t("enrol.member_id"))
        self.phone_label.setText(self.t("enrol.phone"))
        self.agree.setText(self.t("enrol.agree"))
        self.start_button.setText(self.t("enrol.start"))
        self.capture_prompt.setText(self.t("enrol.look"))
        self.cancel_button.setText(self.t("common.back"))
