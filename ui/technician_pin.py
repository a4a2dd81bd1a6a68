"""The technician PIN: an scrypt hash in a 0600 file, with lockout after failures.

File format (JSON): ``{"salt": hex, "hash": hex, "n": .., "r": .., "p": ..,
"failures": int, "locked_until": epoch_s}``. Failures are kept in the same file so a
restart does not reset the lockout.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from terminal.errors import UserFacingError

log = logging.getLogger(__name__)

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MIN_PIN_DIGITS, MAX_PIN_DIGITS = 6, 12


class PinRefused(UserFacingError):
    """A PIN that cannot be set (too short, not digits)."""


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked_for_s: float = 0.0       # > 0: locked out, try again after this
    attempts_left: int = 0
    not_set: bool = False
    store_failed: bool = False      # the attempt could not be recorded: refused

    def message(self) -> str:
        """A bilingual sentence for the screen."""
        if self.ok:
            return "已解锁 / Unlocked"
        if self.store_failed:
            return ("无法记录密码尝试（存储已满或只读），已拒绝；请联系技术支持 / The PIN attempt "
                    "cannot be recorded (storage full or read-only): refused; call support")
        if self.not_set:
            return ("未设置技术员密码，请运行 payterm technician set-pin / No technician PIN "
                    "set: run payterm technician set-pin")
        if self.locked_for_s > 0:
            minutes = max(1, round(self.locked_for_s / 60))
            return (f"错误次数过多，请 {minutes} 分钟后再试 / Too many wrong PINs: try again "
                    f"in {minutes} min")
        return f"密码错误，还可尝试 {self.attempts_left} 次 / Wrong PIN, {self.attempts_left} tries left"


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


class TechnicianPin:
    """Thread: any, one at a time (the GUI calls it; scrypt takes ~50 ms)."""

    def __init__(self, path: Path, *, max_failures: int = 5, lockout_s: float = 300.0,
                 clock=time.time) -> None:
        self._path = Path(path)
        self._max_failures = max_failures
        self._lockout_s = lockout_s
        self._clock = clock

    @property
    def path(self) -> Path:
        return self._path

    def is_set(self) -> bool:
        return self._path.exists()

    def set_pin(self, pin: str) -> None:
        """Store a new PIN (6-12 digits); resets failures. The file is created 0600."""
        if not pin.isdigit() or not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
            raise PinRefused("PIN must be 6-12 digits",
                             user_message="密码须为 6 到 12 位数字 / The PIN must be 6 to 12 digits")
        salt = secrets.token_bytes(16)
        record = {"salt": salt.hex(), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                  "hash": _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).hex(),
                  "failures": 0, "locked_until": 0.0}
        self._write(record)

    def verify(self, pin: str) -> PinCheck:
        """Check ``pin``; counts failures and locks out after ``max_failures``.

        Fails closed: the attempt is counted on disk *before* the PIN is compared, so a
        disk that cannot take the count (full, read-only, I/O error) refuses every PIN,
        the right one too, instead of allowing unlimited guesses."""
        if not self.is_set():
            return PinCheck(False, not_set=True)
        try:
            record = json.loads(self._path.read_text())
            expected = bytes.fromhex(record["hash"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("technician PIN file %s unreadable: %s", self._path, exc)
            return PinCheck(False, store_failed=True)
        now = self._clock()
        if record.get("locked_until", 0) > now:
            return PinCheck(False, locked_for_s=record["locked_until"] - now)
        failures = record.get("failures", 0) + 1
        counted = dict(record, failures=failures)
        if failures >= self._max_failures:
            counted.update(failures=0, locked_until=now + self._lockout_s)
        try:
            self._write(counted)
        except OSError as exc:
            log.error("technician PIN refused: the attempt cannot be recorded in %s (%s)",
                      self._path, exc.strerror or exc)
            return PinCheck(False, store_failed=True)
        actual = _derive(pin, bytes.fromhex(record["salt"]), record["n"], record["r"],
                         record["p"])
        if hmac.compare_digest(expected, actual):
            try:
                self._write(dict(record, failures=0, locked_until=0.0))
            except OSError as exc:   # the counted attempt stays: safe, only stricter
                log.warning("technician PIN accepted; its failure count could not be "
                            "reset (%s)", exc.strerror or exc)
            return PinCheck(True)
        if failures >= self._max_failures:
            return PinCheck(False, locked_for_s=self._lockout_s)
        return PinCheck(False, attempts_left=self._max_failures - failures)

    def _write(self, record: dict) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(record, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self._path)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise


def technician_pin(ctx) -> TechnicianPin:
    """The PIN file named by ``technician.pin_hash_file`` under the data directory."""
    s = ctx.settings.technician
    return TechnicianPin(ctx.path(s.pin_hash_file), max_failures=s.max_failed_attempts,
                         lockout_s=s.lockout_s)
