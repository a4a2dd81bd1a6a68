"""Scripted fakes of every kiosk service. They report through the real ServiceBridge,
from a real worker thread, so the screens see exactly what the real services send."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from terminal.attempt import Tender
from terminal.bilingual import Bilingual
from terminal.money import format_amount
from ui.services.bridge import ServiceBridge
from ui.services.container import KioskServices
from ui.services.settings_editor import SettingsEditor
from ui.services.log_reader import LogReader
from ui.services.views import (Capability, EndOfDayView, EnrolmentView, FaceMatch,
                               FaceProgress, Outcome, PaymentOrder, PaymentReply, PaymentView,
                               ReceiptView, RefundView, SelfTestView, TerminalStatus, TxLists,
                               TxRow)


def later(fn, *args) -> None:
    """Run ``fn`` on another thread, as a worker would (signals cross threads)."""
    threading.Thread(target=fn, args=args, daemon=True).start()


@dataclass
class FakePayments:
    bridge: object          # the ServiceBridge's poster
    #: What the next code payment does: "approved", "declined", "waiting", "resolving",
    #: "waiting_then_approved", "storage_error", "declined_host_words".
    code_script: str = "approved"
    offline: bool = False
    calls: list = field(default_factory=list)
    stop_requested: threading.Event = field(default_factory=threading.Event)
    _seq: int = 0

    def capability(self, tender: str) -> Capability:
        if tender == "wallet" and self.offline:
            return Capability(False, "离线，付款码不可用 / Offline: payment codes unavailable")
        return Capability(True)

    def start(self, order: PaymentOrder, reply: PaymentReply) -> str:
        """Like the real service: a request id now, every report to ``reply`` on the GUI
        thread (through the bridge's poster, from another thread)."""
        self._seq += 1
        request_id = f"pay-{self._seq}"
        no = f"T{self._seq:04d}"

        def send(view: PaymentView) -> None:
            self.bridge.deliver(reply, replace(view, request_id=request_id,
                                               message=Bilingual.of(view.message)))

        if order.tender is Tender.WALLET:
            self.calls.append(("code", order.amount_fen, order.code))
            later(self._code_run, order.amount_fen, no, send)
        elif order.tender is Tender.CASH:
            self.calls.append(("cash", order.amount_fen, order.tendered_fen))
            later(send, PaymentView(no, order.amount_fen, "cash", Outcome.APPROVED,
                                    "现金收款成功 / Cash taken", offline=self.offline,
                                    change_fen=order.tendered_fen - order.amount_fen))
        else:
            self.calls.append(("member", order.amount_fen, order.match.member_id))
            later(send, PaymentView(no, order.amount_fen, "member", Outcome.APPROVED,
                                    "会员支付成功 / Member payment approved",
                                    payer=order.match.member_label, offline=self.offline))
        return request_id

    def _code_run(self, amount_fen: int, no: str, send) -> None:
        script = self.code_script

        def view(outcome, msg, **kw):
            return PaymentView(no, amount_fen, "wallet", outcome, msg, payer="28******1234",
                               **kw)
        if script == "storage_error":
            # What the real service answers when its job fails before anything was sent.
            send(PaymentView("", amount_fen, "wallet", Outcome.DECLINED,
                             "数据库已满 / Storage is full: call a technician"))
            return
        send(view(Outcome.IN_PROGRESS, "处理中 / Processing"))
        if script == "approved":
            send(view(Outcome.APPROVED, f"支付成功 {format_amount(amount_fen)} / "
                                        f"Payment approved {format_amount(amount_fen)}"))
        elif script == "declined_host_words":
            # A host reason that contains the separator itself (kept whole as a pair).
            words = "余额不足 / insufficient funds (51)"
            send(view(Outcome.DECLINED, Bilingual(f"支付失败：{words}",
                                                  f"Payment declined: {words}")))
        elif script == "declined":
            send(view(Outcome.DECLINED, "支付失败：余额不足 / Payment declined: "
                                        "insufficient balance",
                      reason="ACQ.BUYER_BALANCE_NOT_ENOUGH"))
        elif script.startswith("waiting"):
            send(view(Outcome.WAITING_PASSWORD, "等待顾客输入密码 / Waiting for "
                      "the customer to enter the password", wait_s_left=30))
            self.stop_requested.wait(5)
            if script == "waiting_then_approved":
                send(view(Outcome.APPROVED, "支付成功 / Payment approved"))
            else:
                send(view(Outcome.RESOLVING, "结果确认中，请勿重复收款 / "
                          "Confirming the result, do not charge again"))
        elif script == "held":
            send(view(Outcome.HELD, Bilingual("主机应答不一致，已挂起待人工处理，请勿重复收款",
                                              "Host answer inconsistent: held for staff, do "
                                              "not charge again"),
                      reason="PAYTERM.ANSWER_INCONSISTENT"))
        else:
            send(view(Outcome.RESOLVING, "结果确认中，请勿重复收款 / Confirming "
                                         "the result, do not charge again"))

    def stop_waiting(self) -> None:
        self.stop_requested.set()


def tx_row(no: str, amount_fen: int, state: str = "approved", offline: bool = False,
           refundable: int | None = None) -> TxRow:
    return TxRow(no, "10:00:00", amount_fen, "alipay", "28******1234", state, "",
                 amount_fen if refundable is None else refundable, offline,
                 Bilingual("支付成功", "Payment approved"))


@dataclass
class FakeTransactions:
    bridge: object          # the ServiceBridge's poster
    lists: TxLists = field(default_factory=lambda: TxLists(
        (tx_row("T0001", 1234), tx_row("T0002", 500, offline=True)),
        (tx_row("T0003", 800, state="resolving", refundable=0),),
        (tx_row("T0004", 900, state="declined", refundable=0),)))
    refunds: list = field(default_factory=list)
    searches: list = field(default_factory=list)

    def load(self, search: str = "") -> None:
        self.searches.append(search)
        lists = self.lists
        if search:
            lists = TxLists(tuple(r for r in lists.recent if search in r.out_trade_no),
                            lists.unresolved, lists.exceptions)
        later(self.bridge.transactions_loaded.emit, lists)

    def refund(self, out_trade_no: str, amount_fen: int) -> None:
        self.refunds.append((out_trade_no, amount_fen))
        amount = format_amount(amount_fen)
        later(self.bridge.refund_finished.emit, RefundView(
            out_trade_no, True, amount_fen, Bilingual(f"退款成功 {amount}", f"Refunded {amount}")))


@dataclass
class FakePrinting:
    bridge: object          # the ServiceBridge's poster
    printer_ok: bool = True
    printed: list = field(default_factory=list)

    def print_receipt(self, out_trade_no: str, *, reprint: bool = False) -> None:
        self.printed.append((out_trade_no, reprint))
        text = f"RECEIPT {out_trade_no}" + (" REPRINT" if reprint else "")
        later(self.bridge.receipt_printed.emit, ReceiptView(
            out_trade_no, text, self.printer_ok,
            "" if self.printer_ok else "打印机缺纸 / Printer out of paper"))


@dataclass
class FakeEndOfDay:
    bridge: object          # the ServiceBridge's poster
    blockers: tuple = ()

    def close_day(self) -> None:
        if self.blockers:
            view = EndOfDayView(False, "", self.blockers)
        else:
            view = EndOfDayView(True, "Z-REPORT\n合计 TOTAL ￥12.34")
        later(self.bridge.end_of_day_finished.emit, view)


@dataclass
class FakeStatus:
    bridge: object          # the ServiceBridge's poster
    status: TerminalStatus = field(default_factory=lambda: TerminalStatus(True))
    refreshes: int = 0

    def refresh(self) -> None:
        self.refreshes += 1
        later(self.bridge.status_changed.emit, self.status)


@dataclass
class FakeCamera:
    bridge: object          # the ServiceBridge's poster
    available: bool = True
    purposes: list = field(default_factory=list)
    running: bool = False

    def capability(self) -> Capability:
        return Capability(self.available, "" if self.available else
                          "摄像头不可用 / Camera unavailable")

    def start(self, purpose: str) -> None:
        self.purposes.append(purpose)
        self.running = True

    def stop(self) -> None:
        self.running = False


@dataclass
class FakeFacePay:
    bridge: object          # the ServiceBridge's poster
    #: "match", "step_up", "fail", "wait" (prompts, then nothing) or "still" (nothing:
    #: the screen shows only what the test sends it)
    script: str = "match"
    available: bool = True
    started: list = field(default_factory=list)
    cancelled: int = 0

    def capability(self) -> Capability:
        return Capability(self.available, "" if self.available else
                          "刷脸模型未加载 / Face models not loaded")

    def start(self, amount_fen: int) -> None:
        self.started.append(amount_fen)
        script = self.script

        def run():
            if script == "still":
                return
            self.bridge.face_progressed.emit(FaceProgress("looking", "请靠近一点 / Please come closer"))
            self.bridge.face_progressed.emit(FaceProgress("challenge", "", "blink"))
            if script == "fail":
                self.bridge.face_failed.emit("刷脸未通过 / Face-pay not possible")
            elif script == "wait":
                return
            else:
                self.bridge.face_identified.emit(FaceMatch(
                    "M001", "会员 ***001", step_up=script == "step_up", phone_last4="5678"))
        later(run)

    def cancel(self) -> None:
        self.cancelled += 1

    def check_step_up(self, match: FaceMatch, digits: str) -> bool:
        return digits == match.phone_last4


@dataclass
class FakeEnrolment:
    bridge: object          # the ServiceBridge's poster
    enrolled: list = field(default_factory=list)

    def capability(self) -> Capability:
        return Capability(True)

    def enrol(self, member_id: str, phone: str, consent_text: str, name: str = "") -> None:
        self.enrolled.append((member_id, phone) + ((name,) if name else ()))
        later(self.bridge.enrolment_finished.emit,
              EnrolmentView(member_id, True, "录入成功 / Enrolled"))


@dataclass
class FakeSelfTest:
    bridge: object          # the ServiceBridge's poster

    def capability(self) -> Capability:
        return Capability(True)

    def run(self) -> None:
        later(self.bridge.selftest_finished.emit, SelfTestView(
            "pass", (("disk", "pass", "磁盘空间充足 / Disk space OK"),)))


def fake_services(data_dir, settings) -> KioskServices:
    real_bridge = ServiceBridge()
    bridge = real_bridge.poster
    return KioskServices(
        bridge=real_bridge, payments=FakePayments(bridge), transactions=FakeTransactions(bridge),
        printing=FakePrinting(bridge), end_of_day=FakeEndOfDay(bridge),
        status=FakeStatus(bridge), camera=FakeCamera(bridge), face_pay=FakeFacePay(bridge),
        enrolment=FakeEnrolment(bridge), selftest=FakeSelfTest(bridge),
        settings_editor=SettingsEditor(data_dir / "payterm.toml", settings, {}),
        logs=LogReader(data_dir / "logs" / "payterm.jsonl"))
