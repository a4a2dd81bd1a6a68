"""HTTP to a wallet: one POST with an overall deadline and a size limit on the answer.

Any failure to get a whole answer in time (refused connection, timeout, dropped
connection, an answer over the limit, an HTML error page with a non-200 status) is a
``NoAnswer``: the outcome is unknown and the caller resolves it by the wallet's rules.
A connection that was refused before anything was sent is told apart (``sent=False``),
because then the wallet certainly did nothing.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

import httpx

MAX_ANSWER_BYTES = 256 * 1024


class NoAnswer(Exception):
    def __init__(self, reason: str, *, sent: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent


@dataclass(frozen=True)
class Deadlines:
    connect_s: float = 3.0
    #: The whole call, connect included: short enough that the back office still
    #: answers the terminal inside its 10 s read timeout.
    total_s: float = 6.0


def post(url: str, body: bytes, content_type: str, deadlines: Deadlines, *,
         verify: bool | ssl.SSLContext = True) -> str:
    """The answer body as text (UTF-8), or NoAnswer."""
    started = time.monotonic()
    timeout = httpx.Timeout(deadlines.total_s, connect=deadlines.connect_s)
    try:
        with httpx.Client(timeout=timeout, trust_env=False, verify=verify) as client:
            with client.stream("POST", url, content=body,
                               headers={"Content-Type": content_type}) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise NoAnswer(f"answer larger than {MAX_ANSWER_BYTES} bytes")
                    if time.monotonic() - started > deadlines.total_s:
                        raise NoAnswer(f"no whole answer within {deadlines.total_s:.0f} s")
                    chunks.append(chunk)
                status = response.status_code
    except httpx.ConnectError as exc:
        raise NoAnswer(f"cannot connect: {type(exc).__name__}", sent=False) from None
    except httpx.TimeoutException as exc:
        raise NoAnswer(f"timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise NoAnswer(f"connection failed: {type(exc).__name__}") from None
    text = b"".join(chunks).decode("utf-8", errors="replace")
    if status != 200:
        raise NoAnswer(f"HTTP {status} from the wallet")
    return text


def get(url: str, deadlines: Deadlines) -> bytes:
    """A bill file: GET with the same deadline and size limit; NoAnswer otherwise."""
    timeout = httpx.Timeout(deadlines.total_s, connect=deadlines.connect_s)
    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            with client.stream("GET", url) as response:
                data = b""
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > 16 * MAX_ANSWER_BYTES:
                        raise NoAnswer("bill file too large")
                status = response.status_code
    except httpx.HTTPError as exc:
        raise NoAnswer(f"bill download failed: {type(exc).__name__}") from None
    if status != 200:
        raise NoAnswer(f"HTTP {status} for the bill file")
    return data
