"""Telling a keyboard-wedge scanner from a person typing.

A USB HID scanner "types" its code as key presses a few milliseconds apart and ends
with Enter; a person types tens to hundreds of milliseconds apart. ``WedgeDecoder``
holds keys back while they arrive faster than ``max_gap_ms``: a fast burst of at least
``min_length`` printable characters ended by Enter is a scan; anything slower, shorter
or interrupted is given back as typing, in order, nothing lost.

Pure and time-injected (the caller passes milliseconds), so the Qt event filter, the
evdev reader and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TERMINATORS = ("\r", "\n")


@dataclass(frozen=True)
class WedgeOutput:
    """What to do after a key: ``scan`` is a complete scan (or None); ``typed`` are
    keys to deliver as ordinary typing, in order (each is a key token from ``key``)."""

    scan: str | None = None
    typed: tuple[str, ...] = ()


@dataclass
class WedgeDecoder:
    max_gap_ms: float = 50.0
    min_length: int = 8
    _held: list[str] = field(default_factory=list)
    _last_ms: float = 0.0

    def key(self, token: str, now_ms: float) -> WedgeOutput:
        """One key press. ``token`` is the character typed ("\\r" for Enter), or any
        longer name (e.g. "Backspace") for keys that type no character."""
        released: tuple[str, ...] = ()
        if self._held and now_ms - self._last_ms > self.max_gap_ms:
            released = self._release()
        self._last_ms = now_ms
        if token in TERMINATORS:
            if len(self._held) >= self.min_length:
                text = "".join(self._held)
                self._held.clear()
                return WedgeOutput(scan=text, typed=released)
            return WedgeOutput(typed=released + self._release() + (token,))
        if len(token) == 1 and token.isprintable():
            self._held.append(token)
            return WedgeOutput(typed=released)
        return WedgeOutput(typed=released + self._release() + (token,))

    def flush(self, now_ms: float) -> WedgeOutput:
        """Call when no key came for ``max_gap_ms``: held keys were typing after all."""
        if self._held and now_ms - self._last_ms > self.max_gap_ms:
            return WedgeOutput(typed=self._release())
        return WedgeOutput()

    @property
    def holding(self) -> bool:
        """True while keys are held back (the caller should schedule a ``flush``)."""
        return bool(self._held)

    def _release(self) -> tuple[str, ...]:
        held = tuple(self._held)
        self._held.clear()
        return held
