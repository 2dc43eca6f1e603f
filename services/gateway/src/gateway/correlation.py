"""The request envelope: a correlation id for every request, and a last-resort 500.

The id is the caller's `x-correlation-id` or a new uuid; it is echoed in the response,
sent with the RPC command (AMQP header `x-correlation-id`) and logged, so one grep
follows a debit from the provider through the gateway to the wallet worker.

A caller that disconnects mid-body is only noted. An exception nothing else handled is
logged here with its trace and answered 500 INTERNAL_ERROR in the error shape. Doing it
in this middleware (not Starlette's ServerErrorMiddleware, which re-raises for the server
to log again) logs it once and keeps the correlation id on the response.
"""

import logging
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.errors import ErrorBody, ErrorCode
from gateway.errors import error_response, internal_error_response

CORRELATION_HEADER = "x-correlation-id"
_MAX_LENGTH = 128

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")
log = logging.getLogger(__name__)
incomplete_body = ErrorBody.of(ErrorCode.INVALID_REQUEST, "The request body was not received")


def _incoming_id(scope: Scope) -> str:
    given = Headers(scope=scope).get(CORRELATION_HEADER, "")
    # A caller's id goes into logs and AMQP headers: keep it short and printable.
    if 0 < len(given) <= _MAX_LENGTH and given.isprintable():
        return given
    return str(uuid.uuid4())


class CorrelationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope)
        token = correlation_id.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[CORRELATION_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            # The caller left before its body arrived: not our fault, nothing to trace. The
            # answer is most likely never read; it is sent so no request goes unanswered.
            log.info("client disconnected mid-request", extra={"path": scope["path"]})
            if not started:
                await error_response(incomplete_body)(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error on %s %s",
                scope["method"],
                scope["path"],
                extra={"correlation_id": request_id},
            )
            if not started:
                await internal_error_response()(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
