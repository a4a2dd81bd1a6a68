"""The HTTP face of the Terminal API (Starlette).

* ``POST /terminal-api``: one nexo request, the answer in the body (always 200 once
  authenticated: errors are nexo Failure answers). Header ``Payterm-Timeout: <s>``
  (payterm extension) sets how long a Payment waits for its outcome before answering
  InProgress.
* ``GET /terminal-api/events[?SaleID=...]``: progress events as server-sent events.
* 401 wrong key, 429 too many wrong keys, 413 body over ``pos_api.max_body_bytes``
  (not read), 408 body slower than ``pos_api.body_read_timeout_s``.
The engine's work (SQLite, host calls) runs in the thread pool; the loop moves bytes.
"""

from __future__ import annotations

import asyncio
import json
import math
from decimal import Decimal

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from terminal.pos_api.envelope import error_response
from terminal.pos_api.errors import message_format
from ui.terminal_api.auth import BearerAuth
from ui.terminal_api.engine import TerminalApi

PATH = "/terminal-api"
JSON_TYPE = "application/json;charset=utf-8"
TIMEOUT_HEADER = "payterm-timeout"
KEEPALIVE_S = 15.0
EVENT_POLL_S = 1.0           # how often a stream notices a hang-up or a shutdown


def dumps(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                      default=lambda o: float(o) if isinstance(o, Decimal) else str(o)
                      ).encode("utf-8")


async def read_body(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def build_app(api: TerminalApi, auth: BearerAuth) -> Starlette:
    cfg = api.deps.settings.pos_api

    def refused(status: int) -> Response | None:
        if status == 200:
            return None
        text = {401: "missing or wrong key (Authorization: Bearer <key>)",
                429: "too many wrong keys from this address; wait a minute"}[status]
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {"Retry-After": "60"}
        return JSONResponse({"error": text}, status_code=status, headers=headers)

    def client_of(request: Request) -> str:
        return request.client.host if request.client else "?"

    async def terminal_api(request: Request) -> Response:
        denied = refused(auth.check(request.headers.get("authorization"), client_of(request)))
        if denied is not None:
            return denied
        try:
            async with asyncio.timeout(cfg.body_read_timeout_s):
                body = await read_body(request, cfg.max_body_bytes)
        except TimeoutError:
            return JSONResponse({"error": "the body came too slowly"}, status_code=408,
                                headers={"Connection": "close"})
        if body is None:
            answer = error_response(None, message_format(
                "(body)", f"larger than {cfg.max_body_bytes} bytes; not read"))
            return Response(dumps(answer), status_code=413, media_type=JSON_TYPE,
                            headers={"Connection": "close"})
        timeout = _timeout(request.headers.get(TIMEOUT_HEADER))
        if timeout is False:
            answer = error_response(None, message_format(
                "Payterm-Timeout", "must be seconds, a finite number > 0"))
            return Response(dumps(answer), status_code=400, media_type=JSON_TYPE)
        answer = await run_in_threadpool(api.handle, body, timeout)
        return Response(dumps(answer), media_type=JSON_TYPE)

    async def events(request: Request) -> Response:
        denied = refused(auth.check(request.headers.get("authorization"), client_of(request)))
        if denied is not None:
            return denied
        sub = api.deps.events.subscribe(request.query_params.get("SaleID") or None)

        async def stream():
            try:
                yield b": payterm progress events\n\n"
                quiet_s = 0.0
                while True:
                    event = await run_in_threadpool(sub.next, EVENT_POLL_S)
                    if sub.ended or await request.is_disconnected():
                        return
                    if event is None:
                        quiet_s += EVENT_POLL_S
                        if quiet_s >= KEEPALIVE_S:
                            quiet_s = 0.0
                            yield b": keepalive\n\n"
                        continue
                    quiet_s = 0.0
                    yield (f"id: {event['EventID']}\nevent: {event['Event']}\n"
                           ).encode() + b"data: " + dumps(event) + b"\n\n"
            finally:
                sub.close()

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    return Starlette(routes=[Route(PATH, terminal_api, methods=["POST"]),
                             Route(f"{PATH}/events", events, methods=["GET"])])


def _timeout(text: str | None) -> float | None | bool:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return False
    return value if math.isfinite(value) and value > 0 else False
