"""What the screens need from each capability. ``KioskServices`` is typed with these;
the real services (built in ``ui.composition``) and the fakes in tests/ui/fakes follow
them.

Every method returns at once. Work that touches a device, the network or the database
runs on a worker thread. Payments report to the reply of whoever started them; the
other capabilities report through the ``ServiceBridge`` signal named in the docstring.
``capability()`` answers from state already known (never blocks).
"""

from __future__ import annotations

from typing import Mapping, Protocol

from terminal.settings.model import Settings
from ui.services.views import Capability, FaceMatch, PaymentOrder, PaymentReply


class PaymentService(Protocol):
    def capability(self, tender: str) -> Capability:
        """Whether "wallet", "member" or "cash" can be taken now, and why not."""

    def start(self, order: PaymentOrder, reply: PaymentReply) -> str:
        """Start the payment; returns its request id at once. ``reply(view)`` is called
        on the GUI thread with each PaymentView of this payment (``view.request_id`` is
        the id): in progress, then approved | declined | waiting for the password |
        resolving. A bad code, a refused limit or no member → one declined view."""

    def stop_waiting(self) -> None:
        """Stop resolving inline; the background resolver finishes the payment."""


class TransactionService(Protocol):
    def load(self, search: str = "") -> None:
        """Today's transactions, unresolved and exceptions → transactions_loaded."""

    def refund(self, out_trade_no: str, amount_fen: int) -> None:
        """Refund a synced sale → refund_finished."""


class PrintService(Protocol):
    def print_receipt(self, out_trade_no: str, *, reprint: bool = False) -> None:
        """Print (and preview) the receipt of a sale → receipt_printed."""


class EndOfDayService(Protocol):
    def close_day(self) -> None:
        """Close the day → end_of_day_finished (Z-report, or what blocks it)."""


class StatusService(Protocol):
    def refresh(self) -> None:
        """Check the host and count unsynced/unresolved → status_changed."""


class CameraService(Protocol):
    def start(self, purpose: str) -> None:
        """Start the preview; ``purpose`` "code" decodes codes (→ code_scanned), "face"
        feeds face-pay. Frames → frame_captured."""

    def stop(self) -> None:
        """Stop the preview (the camera thread keeps running for the next start)."""

    def capability(self) -> Capability:
        """Whether a camera is configured and delivering frames."""


class FacePayService(Protocol):
    def capability(self) -> Capability:
        """Face-pay usable now (models loaded, members enrolled), or why not."""

    def start(self, amount_fen: int) -> None:
        """Identify the customer in front of the camera → face_progressed*, then
        face_identified or face_failed."""

    def cancel(self) -> None:
        """Stop identifying (timeout, customer chose another way)."""

    def check_step_up(self, match: FaceMatch, digits: str) -> bool:
        """True when ``digits`` are the enrolled phone's last 4 (constant-time)."""


class EnrolmentService(Protocol):
    def capability(self) -> Capability:
        """Whether enrolment can run (models, template store)."""

    def enrol(self, member_id: str, phone: str, consent_text: str, name: str = "") -> None:
        """Take samples from the camera for a member who agreed to ``consent_text``
        (the text shown to them) and enrol, with the optional ``name`` the shopper's
        confirmation shows masked → enrolment_finished."""


class SelfTestService(Protocol):
    def capability(self) -> Capability:
        """Whether the diagnostics checks are present."""

    def run(self) -> None:
        """Run the terminal's checks → selftest_finished."""


class SettingsService(Protocol):
    """The technician's settings editor (blocking file I/O, quick: GUI thread)."""

    def rows(self) -> list:
        """Every setting as a ``SettingRow`` (key, value text, doc, secret)."""

    def save(self, changes: Mapping[str, str]) -> Settings:
        """Validate and write ``{key: text}``; raises ConfigError naming the key."""


class LogService(Protocol):
    def tail(self, lines: int = 200, search: str = "") -> list[str]:
        """The last ``lines`` log lines (matching ``search``), formatted to read."""
