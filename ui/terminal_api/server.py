"""Running the Terminal API's HTTP server (uvicorn) on its own thread."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import uvicorn

from terminal.errors import ConfigError
from terminal.settings.pos_api_section import listen_address

log = logging.getLogger(__name__)


class ApiServer:
    def __init__(self, app, settings, credentials) -> None:
        cfg = settings.pos_api
        host, port = listen_address(cfg.listen)
        tls = {}
        if credentials.cert_file is not None:
            tls = {"ssl_certfile": str(credentials.cert_file),
                   "ssl_keyfile": str(credentials.cert_key_file)}
        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                access_log=False, lifespan="off",
                                limit_concurrency=cfg.max_connections,
                                timeout_keep_alive=5, **tls)
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None   # the owner handles signals
        self._thread = threading.Thread(target=self._run, name="terminal-api-http",
                                        daemon=True)
        self._error: BaseException | None = None
        self.url = credentials.url

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve())
        except BaseException as exc:    # reported by start()
            self._error = exc

    def start(self, timeout_s: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError("pos_api.listen", f"the Terminal API could not listen on "
                                  f"{self.url} ({self._error or 'no start in time'})")
            time.sleep(0.02)
        log.info("Terminal API listening on %s", self.url)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout_s)
