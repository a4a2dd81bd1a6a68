"""Run the host simulator in-process (tests, the demo) or in the foreground (CLI).

Keys: the simulator keeps its own pair in ``keys_dir`` (``host_private.pem``,
``host_public.pem``; made on first start) and checks requests with the terminal's
``terminal_public.pem`` from the same folder (``payterm keys generate`` writes it).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from drivers.host.keys import (HOST_PRIVATE, HOST_PUBLIC, TERMINAL_PUBLIC, ensure_key_pair,
                               load_private_key, load_public_key)
from drivers.host.simulator.config import SimulatorConfig
from drivers.host.simulator.faults import Fault
from drivers.host.simulator.gateway import SimulatorApp
from drivers.host.simulator.http_server import GATEWAY_PATH, SimulatorServer
from drivers.host.simulator.ledger import Ledger

log = logging.getLogger(__name__)
_JOIN_TIMEOUT_S = 5.0


class RunningSimulator:
    """A simulator serving on 127.0.0.1. ``.url`` is the gateway URL for HostSettings."""

    def __init__(self, app: SimulatorApp, port: int) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._server: SimulatorServer | None = None
        self._thread: threading.Thread | None = None
        self._down_timer: threading.Thread | None = None
        self.port = self._serve(port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sim"

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger

    @property
    def is_up(self) -> bool:
        return self._server is not None

    def set_fault(self, fault: Fault | None) -> None:
        self.app.faults.set(fault)

    def take_down(self) -> None:
        """Stop listening (connections are refused) but keep the books: "host down"."""
        with self._lock:
            self._stop_serving()

    def bring_up(self) -> None:
        """Listen again on the same port."""
        with self._lock:
            if self._server is None and not self.app.stopping.is_set():
                self._serve(self.port)

    def down_for(self, seconds: float) -> None:
        """Go down now and come back by itself after ``seconds`` (admin endpoint)."""
        def outage() -> None:
            self.take_down()
            if not self.app.stopping.wait(seconds):
                self.bring_up()
        self._down_timer = threading.Thread(target=outage, name="host-sim-outage", daemon=True)
        self._down_timer.start()

    def stop(self) -> None:
        """Stop serving, wake sleeping handlers, close the ledger. Safe to call twice."""
        self.app.stopping.set()
        with self._lock:
            self._stop_serving()
        if self._down_timer is not None and self._down_timer is not threading.current_thread():
            self._down_timer.join(_JOIN_TIMEOUT_S)
        self.app.ledger.close()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until stop() was called (foreground mode); True when stopped."""
        return self.app.stopping.wait(timeout_s)

    def __enter__(self) -> "RunningSimulator":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self, port: int) -> int:
        """Serve on ``port`` (0: a free one); returns the port serving."""
        server = SimulatorServer(port, self.app, take_down=self.down_for)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                  name="host-sim-http", daemon=True)
        thread.start()
        self._server, self._thread = server, thread
        return server.server_address[1]

    def _stop_serving(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.drop_connections()
        if self._thread is not None:
            self._thread.join(_JOIN_TIMEOUT_S)
        self._server = self._thread = None


def start_simulator(db_path: Path, keys_dir: Path, config: SimulatorConfig | None = None, *,
                    port: int = 0,
                    clock: Callable[[], float] | None = None) -> RunningSimulator:
    """Open the ledger, load keys and serve on 127.0.0.1 (port 0: a free one).

    Raises ConfigError when ``terminal_public.pem`` is missing from ``keys_dir`` or the
    ledger or port cannot be opened.
    """
    from terminal.errors import ConfigError

    keys_dir = Path(keys_dir)
    if ensure_key_pair(keys_dir / HOST_PRIVATE, keys_dir / HOST_PUBLIC):
        log.info("made a new host key pair in %s", keys_dir)
    if not (keys_dir / TERMINAL_PUBLIC).exists():
        raise ConfigError("--keys-dir", f"{keys_dir / TERMINAL_PUBLIC} does not exist: run "
                                        "`payterm keys generate` with the same data directory "
                                        "first, or copy the terminal's public key there")
    host_key = load_private_key(keys_dir / HOST_PRIVATE, key_name="--keys-dir")
    terminal_key = load_public_key(keys_dir / TERMINAL_PUBLIC, key_name="--keys-dir")
    ledger = Ledger(Path(db_path))
    extra = {"clock": clock} if clock is not None else {}
    try:
        app = SimulatorApp(ledger, config or SimulatorConfig(), host_private_key=host_key,
                           terminal_public_key=terminal_key, **extra)
        return RunningSimulator(app, port)
    except OSError as exc:
        ledger.close()
        raise ConfigError("--port", f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    except BaseException:
        ledger.close()
        raise
