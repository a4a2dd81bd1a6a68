"""Live enrolment of a member from the camera, behind the staff PIN, consent first.

Step 1 (staff): member number, phone and name (optional), typed on the on-screen
keyboard. Step 2 (the member): the separate consent text (PIPL art. 29) on the screen,
large, and the member's own "I have read and agree" or "I do not agree"; staff cannot
tick it for them. Step 3: samples from the live camera and the result.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLineEdit, QStackedWidget,
                               QVBoxLayout, QWidget)

from terminal.bilingual import SEPARATOR, Bilingual
from terminal.errors import UserFacingError
from terminal.member_display import check_member_name, mask_phone
from ui.kiosk.screens.base import Screen, button, label
from ui.kiosk.widgets.camera_view import CameraView
from ui.kiosk.widgets.text_keypad import TextKeypad

FORM, CONSENT, CAPTURE = range(3)


class EnrolScreen(Screen):
    name = "enrol"

    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.consent_text = shell.settings.face.consent_text
        self.done = False
        self.steps = QStackedWidget()
        self.steps.addWidget(self._form_page())
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
        return self.steps.currentIndex() == CAPTURE and not self.done

    def _form_page(self) -> QWidget:
        page = QWidget()
        self.form_title = label("enrol_form_title", "title")
        self.member_id = QLineEdit()
        self.member_id.setObjectName("enrol_member_id")
        self.phone = QLineEdit()
        self.phone.setObjectName("enrol_phone")
        self.member_name = QLineEdit()
        self.member_name.setObjectName("enrol_name")
        self.member_label = label("enrol_member_label", wrap=False)
        self.phone_label = label("enrol_phone_label", wrap=False)
        self.name_label = label("enrol_name_label", wrap=False)
        form = QFormLayout()
        form.addRow(self.member_label, self.member_id)
        form.addRow(self.phone_label, self.phone)
        form.addRow(self.name_label, self.member_name)
        self.form_message = label("enrol_form_message", "hint")
        self.next_button = button("enrol_next", "primary")
        self.next_button.clicked.connect(self.ask_consent)
        self.keyboard = TextKeypad()
        self.keyboard.fallback = self.member_id
        left = QVBoxLayout()
        left.addWidget(self.form_title)
        left.addLayout(form)
        left.addWidget(self.form_message)
        left.addStretch(1)
        left.addWidget(self.next_button)
        layout = QHBoxLayout(page)
        layout.addLayout(left, 2)
        layout.addWidget(self.keyboard, 3)
        return page

    def _consent_page(self) -> QWidget:
        page = QWidget()
        self.consent_title = label("enrol_consent_title", "title")
        self.consent_body = label("enrol_consent_body", "reading")   # large: the member reads
        self.consent_who = label("enrol_consent_who", "hint")
        self.agree_button = button("enrol_agree", "primary")
        self.agree_button.clicked.connect(self.start)
        self.decline_button = button("enrol_decline", "alt")
        self.decline_button.clicked.connect(self.declined)
        row = QHBoxLayout()
        row.addWidget(self.decline_button, 1)
        row.addWidget(self.agree_button, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(self.consent_title)
        layout.addWidget(self.consent_body)
        layout.addWidget(self.consent_who)
        layout.addStretch(1)
        layout.addLayout(row)
        return page

    def _capture_page(self) -> QWidget:
        page = QWidget()
        self.capture_prompt = label("enrol_capture_prompt", "title")
        self.camera_view = CameraView()
        self.camera_view.setObjectName("enrol_camera")
        self.capture_message = label("enrol_capture_message")
        layout = QVBoxLayout(page)
        layout.addWidget(self.capture_prompt)
        layout.addWidget(self.camera_view, 1)
        layout.addWidget(self.capture_message)
        return page

    def entered(self, **params) -> None:
        self.done = False
        self.steps.setCurrentIndex(FORM)
        for field in (self.member_id, self.phone, self.member_name):
            field.clear()
        self.form_message.clear()
        capability = self.shell.services.enrolment.capability()
        self.next_button.setEnabled(capability.available)
        if not capability.available:
            self.form_message.setText(self.shell.tr.pick(capability.reason))
        self.retranslate()
        self.member_id.setFocus()

    def left(self) -> None:
        self.shell.services.camera.stop()

    def ask_consent(self) -> None:
        """The staff's part is done: the member reads the consent and answers."""
        member_id, phone = self.member_id.text().strip(), self.phone.text().strip()
        if not member_id or not phone.isdigit() or len(phone) < 4:
            self.form_message.setText(self.t("enrol.need_fields"))
            return
        try:
            check_member_name(self.member_name.text())
        except UserFacingError as exc:
            self.form_message.setText(self.shell.tr.pick(exc.user_message))
            return
        self.steps.setCurrentIndex(CONSENT)
        self.retranslate()

    def declined(self) -> None:
        """No consent: nothing is captured or kept."""
        self.steps.setCurrentIndex(FORM)
        self.form_message.setText(self.t("enrol.need_consent"))

    def start(self) -> None:
        """The member agreed on the screen: take the samples."""
        if self.steps.currentIndex() != CONSENT:
            return
        self.steps.setCurrentIndex(CAPTURE)
        self.capture_message.setText(self.t("enrol.capturing"))
        self.shell.services.camera.start("enrol")
        self.shell.services.enrolment.enrol(
            self.member_id.text().strip(), self.phone.text().strip(), self.consent_text,
            check_member_name(self.member_name.text()))

    def _on_frame(self, frame) -> None:
        if self.shell.current() is self and self.steps.currentIndex() == CAPTURE:
            self.camera_view.show_frame(frame)

    def _on_progress(self, progress) -> None:
        if self.shell.current() is self and self.steps.currentIndex() == CAPTURE \
                and not self.done:
            self.capture_message.setText(self.shell.tr.pick(progress.guidance))

    def _on_finished(self, view) -> None:
        if self.shell.current() is not self:
            return
        self.done = True
        self.shell.services.camera.stop()
        self.capture_message.setText(self.shell.tr.pick(view.message))

    def task_failed(self, capability: str, sentence: str) -> None:
        if self.steps.currentIndex() == CAPTURE:
            self.done = True
            self.shell.services.camera.stop()
            self.capture_message.setText(self.shell.tr.pick(sentence))

    def retranslate(self) -> None:
        self.form_title.setText(self.t("enrol.form_title"))
        self.member_label.setText(self.t("enrol.member_id"))
        self.phone_label.setText(self.t("enrol.phone"))
        self.name_label.setText(self.t("enrol.name"))
        self.next_button.setText(self.t("enrol.next"))
        self.consent_title.setText(self.t("enrol.consent_title"))
        self.consent_body.setText(self.shell.tr.pick(consent_halves(self.consent_text)))
        self.consent_who.setText(self.t("enrol.consent_who", member=self.member_id.text(),
                                        phone=mask_phone(self.phone.text())))
        self.agree_button.setText(self.t("enrol.agree"))
        self.decline_button.setText(self.t("enrol.decline"))
        self.capture_prompt.setText(self.t("enrol.look"))
        self.cancel_button.setText(self.t("common.back"))


def consent_halves(text: str) -> Bilingual:
    """The consent text in the member's language. The configured text is "中文 / English"
    (the default has no space before the slash: "…删除。/ I …"); text with no English
    half reads the same in both."""
    if SEPARATOR not in text and "/ " in text:
        zh, _, en = text.partition("/ ")
        if not zh.isascii() and en.isascii():
            return Bilingual(zh.strip(), en.strip())
    return Bilingual.of(text)
