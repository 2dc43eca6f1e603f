"""What wraps every request: its correlation id, its HTTP metrics, and a last-resort 500.

The id is the caller's `x-correlation-id` or a new uuid (`gateway.correlation`); it is
echoed in the response, sent with the RPC command and logged. Every request is counted
and timed by route template (`gateway.metrics`), including answers made here.

A caller that disconnects mid-body is only noted. An exception nothing else handled is
logged here with its trace and answered 500 INTERNAL_ERROR in the error shape. Doing it
in this middleware (not Starlette's ServerErrorMiddleware, which re-raises for the server
to log again) logs it once and keeps the correlation id on the response.

One pure ASGI middleware rather than two: each layer costs every request a call and a
wrapped `send`, and the gateway answers a provider callback per bet.
"""

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.errors import ErrorBody, ErrorCode
from gateway import metrics
from gateway.correlation import CORRELATION_HEADER, correlation_id, incoming_id
from gateway.errors import error_response, internal_error_response

log = logging.getLogger(__name__)
incomplete_body = ErrorBody.of(ErrorCode.INVALID_REQUEST, "The request body was not received")


class RequestEnvelopeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = incoming_id(scope)
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
                await error_response(incomplete_body)(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error on %s %s",
                scope["method"],
                scope["path"],
                extra={"correlation_id": request_id},
            )
            if status is None:
                await internal_error_response()(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
            route = getattr(scope.get("route"), "path", "unmatched")
            metrics.http_request_answered(
                scope["method"], route, status or 500, time.perf_counter() - started
            )
