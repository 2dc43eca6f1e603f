"""What the gateway and the provider do alike for every HTTP request, as plain ASGI.

- `EveryRequest`, each service's outermost middleware. The request's correlation id (the
  caller's `x-correlation-id` when usable, else a new uuid) is set in
  `contracts.logs.correlation_id` for the log lines and echoed on the response. The
  request is timed and counted by route template, through the service's own metrics
  (`answered`). A caller that leaves mid-body is only noted. An exception nothing else
  handled is logged once, with its trace, and answered 500 INTERNAL_ERROR in the error
  shape: here rather than in Starlette's ServerErrorMiddleware, which re-raises for the
  server to log it again and answers without the correlation id.
- `read_body_within`: the raw body, given up on as soon as it passes a byte limit.
- `error_response`: an `ErrorBody` as the HTTP response, with the catalogue's status.

One middleware rather than a layer per concern: each layer costs every request a call and
a wrapped `send`, and the gateway answers a provider callback per bet. Starlette is the
only dependency; nothing here does I/O at import.
"""

import logging
import time
import uuid
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.errors import ErrorBody, ErrorCode
from contracts.logs import CORRELATION_HEADER, correlation_id

log = logging.getLogger(__name__)

Answered = Callable[[str, str, int, float], None]
"""Told of each request answered: method, route template (`unmatched` when no route took
it), status, seconds."""

_HEADER_BYTES = CORRELATION_HEADER.encode()
_MAX_ID_LENGTH = 128
_INCOMPLETE_BODY = ErrorBody.of(ErrorCode.INVALID_REQUEST, "The request body was not received")


def error_response(body: ErrorBody) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), status_code=body.status)


async def read_body_within(request: Request, limit: int) -> bytes | None:
    """The body exactly as received, or None once it is known to be longer than `limit`.

    A body that announces a larger Content-Length is refused before reading; one sent in
    chunks is counted as it arrives, so a caller cannot make the service buffer more than
    the limit. (A malformed Content-Length never gets here: the HTTP server refuses it.)
    """
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > limit:
        return None
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            return None
    return bytes(received)


def incoming_correlation_id(scope: Scope) -> str:
    """The caller's id when it is usable, else a new one."""
    for name, value in scope["headers"]:
        if name == _HEADER_BYTES:
            given: str = value.decode("latin-1")
            # A caller's id goes into logs and AMQP headers: keep it short and printable.
            if 0 < len(given) <= _MAX_ID_LENGTH and given.isprintable():
                return given
            break
    return str(uuid.uuid4())


class EveryRequest:
    """ASGI: `app`'s HTTP requests, each with its correlation id, metrics and last resort."""

    def __init__(self, app: ASGIApp, *, answered: Answered) -> None:
        self.app = app
        self._answered = answered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = incoming_correlation_id(scope)
        token = correlation_id.set(request_id)
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            # The caller left before its body arrived: not our fault, nothing to trace. The
            # answer is most likely never read; it is sent so no request goes unanswered.
            log.info("client disconnected mid-request", extra={"path": scope["path"]})
            if status is None:
                await error_response(_INCOMPLETE_BODY)(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status is None:
                internal = ErrorBody.of(ErrorCode.INTERNAL_ERROR)
                await error_response(internal)(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
            route = getattr(scope.get("route"), "path", "unmatched")
            self._answered(scope["method"], route, status or 500, time.perf_counter() - started)
