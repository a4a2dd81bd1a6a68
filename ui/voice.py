"""Voice announcements ("支付成功 12.34 元") through espeak-ng, off the GUI thread.

Silent when espeak-ng is missing, voice is off, or no audio device answers: a failed
announcement never disturbs a payment. One thread speaks; a newer announcement replaces
one still waiting (a queue of stale amounts would confuse the customer).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading

log = logging.getLogger(__name__)

SPEAK_TIMEOUT_S = 10.0


def amount_words(amount_fen: int) -> str:
    """"12.34 元": what the voice reads for an amount."""
    return f"{amount_fen // 100}.{amount_fen % 100:02d} 元"


class Voice:
    def __init__(self, *, enabled: bool = True, voice: str | None = None,
                 command: str = "espeak-ng") -> None:
        self._binary = shutil.which(command) if enabled else None
        self._voice = voice or (self._pick_voice() if self._binary else "")
        self._pending: str | None = None
        self._cond = threading.Condition()
        self._stop = False
        self.announced: list[str] = []         # what was asked for (tests, the log)
        self.spoken: list[str] = []            # what espeak-ng actually said
        self._thread: threading.Thread | None = None
        if self._binary:
            self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
            self._thread.start()

    @property
    def available(self) -> bool:
        return self._binary is not None

    def say(self, text: str) -> None:
        """Queue ``text``; returns at once."""
        self.announced.append(text)
        log.info("voice: %s", text)
        if not self._binary:
            return
        with self._cond:
            self._pending = text
            self._cond.notify()

    def stop(self, timeout_s: float = 2.0) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _pick_voice(self) -> str:
        try:
            listing = subprocess.run([self._binary, "--voices=zh"], capture_output=True,
                                     text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return ""
        names = {line.split()[1] for line in listing.splitlines()[1:] if len(line.split()) > 1}
        for candidate in ("cmn", "zh", "yue"):
            if candidate in names:
                return candidate
        return ""

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stop:
                    self._cond.wait(1.0)
                if self._stop:
                    return
                text, self._pending = self._pending, None
            args = [self._binary] + (["-v", self._voice] if self._voice else []) + [text]
            try:
                subprocess.run(args, capture_output=True, timeout=SPEAK_TIMEOUT_S, check=False)
                self.spoken.append(text)
            except (OSError, subprocess.SubprocessError) as exc:
                log.info("voice announcement failed: %s", type(exc).__name__)
