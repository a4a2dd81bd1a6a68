"""The one exception tree of payterm.

Every error says whether retrying can help (``retryable``) and carries a sentence that
is safe to show to a person (``user_message``: a ``Bilingual`` pair, or one of this code
base's "中文 / English" constants).  Adapters translate foreign
exceptions (httpx, serial, sqlite3, onnxruntime) into these at their boundary with
``raise ... from``, so callers above the drivers never catch a library's exception.
"""

from __future__ import annotations

from terminal.bilingual import Bilingual


class TerminalError(Exception):
    """Base of every payterm error."""

    retryable: bool = False
    #: A short bilingual sentence that may be shown on screen. Never contains secrets.
    default_user_message: str = "出现错误，请联系工作人员 / Something went wrong, please ask staff"

    def __init__(self, message: str | Bilingual = "", *,
                 user_message: str | Bilingual | None = None,
                 retryable: bool | None = None) -> None:
        super().__init__(message or self.default_user_message)
        self.user_message = user_message or self.default_user_message
        if retryable is not None:
            self.retryable = retryable


class UserFacingError(TerminalError):
    """Bad input from the person at the terminal; the message is the whole story."""

    def __init__(self, message: str | Bilingual, *,
                 user_message: str | Bilingual | None = None) -> None:
        super().__init__(message, user_message=user_message or message)


class ConfigError(TerminalError):
    """Settings that cannot be used; names the key. Stops start-up."""

    default_user_message = "配置错误，请联系技术人员 / Configuration error, call a technician"

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"setting {key!r}: {problem}")


class DeviceError(TerminalError):
    """A printer, camera or scanner that does not work as it should."""

    default_user_message = "设备故障，请联系工作人员 / Device problem, please ask staff"
    retryable = True

    def __init__(self, device: str, message: str, *, user_message: str | None = None,
                 retryable: bool | None = None, wire_capture: bytes | None = None) -> None:
        self.device = device
        #: Recent bytes on the wire, for the technician (never payment codes or keys).
        self.wire_capture = wire_capture
        super().__init__(f"{device}: {message}", user_message=user_message, retryable=retryable)


class HostError(TerminalError):
    """Anything that went wrong talking to the payment host."""

    default_user_message = "支付平台异常 / Payment host problem"


class HostUnreachable(HostError):
    """No request reached the host (DNS, connect refused, connect timeout).

    Safe to treat as "nothing happened": the request was never sent.
    """

    retryable = True
    default_user_message = "网络不可用，请稍后再试 / Network unavailable, try again later"


class HostRejected(HostError):
    """The host answered but refused the request (bad signature, invalid parameters)."""

    default_user_message = "支付平台拒绝了请求 / The payment host refused the request"

    def __init__(self, message: str, *, code: str = "", sub_code: str = "",
                 sub_msg: str = "", user_message: str | Bilingual | None = None) -> None:
        self.code = code
        self.sub_code = sub_code
        self.sub_msg = sub_msg
        super().__init__(message, user_message=user_message)


class OutcomeUnknown(HostError):
    """A request may or may not have taken effect (read timeout, dropped connection,
    garbage answer, system error). The caller must resolve it by query, never guess."""

    retryable = True
    default_user_message = "结果确认中，请稍候 / Confirming the result, please wait"


class AnswerInconsistent(OutcomeUnknown):
    """A correctly signed answer that is not about the request: another trade number,
    amount, member, terminal or method, or a required field missing.

    The signature proves who answered, not what about; so the answer decides nothing.
    The request may or may not have taken effect: resolve by query (whose answer is
    checked too); if the host keeps disagreeing, the payment is held for a person.
    """

    default_user_message = ("主机应答不一致，正在核实，请勿重复收款 / Host answer inconsistent: "
                            "checking, do not charge again")

    def __init__(self, method: str, problems: tuple[str, ...] | list[str]) -> None:
        self.method = method
        self.problems = tuple(problems)
        super().__init__(f"{method}: host answer inconsistent with the request: "
                         + "; ".join(self.problems))


class QueueError(TerminalError):
    """The durable store cannot do what was asked (locked, full disk, corrupt)."""

    default_user_message = "本地存储异常，请联系技术人员 / Local storage problem, call a technician"


class StorageFull(QueueError):
    """The disk is full: nothing new is accepted, nothing already stored is harmed."""

    default_user_message = "存储空间已满，暂停离线收款 / Storage full, offline payments paused"


class JournalMissing(QueueError):
    """The store is missing or empty although this terminal had a journal (its keys
    exist): never silently a fresh journal. A technician restores it or starts a new
    journal knowingly (``payterm journal new --confirm``)."""

    default_user_message = ("交易日志缺失，请联系技术人员 / The payment journal is missing, "
                            "call a technician")


class StoreCorrupt(QueueError):
    """The integrity check failed; the file is kept untouched for recovery."""

    default_user_message = "本地数据库损坏，请联系技术人员 / Local database damaged, call a technician"


class IllegalTransition(TerminalError):
    """A transaction was asked to move to a state it cannot reach from where it is."""
