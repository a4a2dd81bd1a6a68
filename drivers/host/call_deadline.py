"""An overall deadline for each host call, enforced on every socket operation.

httpx's timeouts are per operation: a host that sends one byte every few seconds never
trips the read timeout and can keep ``pay`` waiting for minutes. Here every connect,
read and write of a call gets at most the time left until the call's deadline, so the
call ends by its deadline whatever the host does.

The deadline is per thread (``DeadlineBackend.deadline(...)``), so one client may be used
by several threads, each call with its own deadline. The backend wraps httpcore's
synchronous network backend inside httpx's pool; ``deadline_transport`` builds it.
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from contextlib import contextmanager
from typing import Iterator

import httpcore
import httpx


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with each operation's timeout cut to the deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()
        self._local = threading.local()

    @contextmanager
    def deadline(self, at_monotonic_s: float) -> Iterator[None]:
        """Every socket operation of this thread inside the block ends by
        ``at_monotonic_s`` (``time.monotonic()`` seconds)."""
        previous = getattr(self._local, "at", None)
        self._local.at = at_monotonic_s
        try:
            yield
        finally:
            self._local.at = previous

    def time_left(self, timeout: float | None, error: type[Exception]) -> float | None:
        """``timeout`` cut to what is left of this thread's deadline; raises ``error``
        when nothing is left."""
        at: float | None = getattr(self._local, "at", None)
        if at is None:
            return timeout
        left = at - time.monotonic()
        if left <= 0:
            raise error("the host call's overall deadline has passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None
                    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, timeout=self.time_left(timeout, httpcore.ConnectTimeout),
            local_address=local_address, socket_options=socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None
                            ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, timeout=self.time_left(timeout, httpcore.ConnectTimeout),
            socket_options=socket_options)
        return _DeadlineStream(stream, self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: DeadlineBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.time_left(timeout,
                                                                   httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        upgraded = self._inner.start_tls(
            ssl_context, server_hostname,
            timeout=self._backend.time_left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(upgraded, self._backend)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


def deadline_transport(limits: httpx.Limits) -> tuple[httpx.HTTPTransport, DeadlineBackend]:
    """httpx's own transport (TLS, pooling, keep-alive) with its sockets made by a
    DeadlineBackend.

    httpx has no public way to pass a network backend, so the backend is set on the
    transport's httpcore pool (httpx and httpcore are pinned; tests/hostile proves the
    deadline end to end, so an upgrade that breaks this is caught).
    """
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    # httpcore's private pool: typed as Any on purpose, its shape is checked just below.
    pool: typing.Any = getattr(transport, "_pool", None)
    if not isinstance(getattr(pool, "_network_backend", None), httpcore.NetworkBackend):
        raise RuntimeError("this httpx/httpcore version does not expose its network "
                           "backend; the host call deadline cannot be enforced")
    backend = DeadlineBackend(pool._network_backend)
    pool._network_backend = backend
    return transport, backend
