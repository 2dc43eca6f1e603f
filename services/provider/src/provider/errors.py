"""The provider's errors, and the one place any failure becomes an HTTP reply.

Every failure answers `contracts.errors.ErrorBody` with the catalogue's status: our own
errors, bodies that do not validate (INVALID_AMOUNT when an amount is at fault, else
INVALID_REQUEST, naming the field), unknown paths and methods, and anything unexpected,
which is logged with its traceback and answered without one.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.errors import ErrorBody, ErrorCode
from contracts.money import INVALID_AMOUNT_ERROR

log = logging.getLogger(__name__)


class ProviderError(Exception):
    """Raised when a request cannot be served; carries the code it is answered with."""

    code = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.code.value)
        self.message = message


class PayloadTooLargeError(ProviderError):
    """Raised when a request body is longer than MAX_BODY_BYTES."""

    code = ErrorCode.PAYLOAD_TOO_LARGE


class SignatureInvalidError(ProviderError):
    """Raised when x-provider-signature is missing, malformed, stale or wrong."""

    code = ErrorCode.SIGNATURE_INVALID


class InvalidRequestError(ProviderError):
    """Raised when a body is well-formed JSON but asks for something impossible."""

    code = ErrorCode.INVALID_REQUEST


class InvalidAmountError(ProviderError):
    """Raised when an amount is valid minor units but not for its action (a bet of 0)."""

    code = ErrorCode.INVALID_AMOUNT


class CasinoNotFoundError(ProviderError):
    """Raised when the casinoCode is not one of our enabled partners."""

    code = ErrorCode.CASINO_NOT_FOUND


class GameNotFoundError(ProviderError):
    """Raised when the gameId is not in our catalogue."""

    code = ErrorCode.GAME_NOT_FOUND


class GameInactiveError(ProviderError):
    """Raised when the game exists but is not offered any more."""

    code = ErrorCode.GAME_INACTIVE


class InvalidSessionError(ProviderError):
    """Raised when a round is asked for on a session that was never launched with us."""

    code = ErrorCode.INVALID_SESSION


def error_response(code: ErrorCode, message: str | None = None) -> JSONResponse:
    body = ErrorBody.of(code, message)
    return JSONResponse(body.model_dump(mode="json"), status_code=body.status)


def validation_reply(error: ValidationError) -> JSONResponse:
    """400 naming the first field at fault; INVALID_AMOUNT if any amount is at fault."""
    details = error.errors()
    amounts = [d for d in details if d["type"] == INVALID_AMOUNT_ERROR]
    if amounts:
        return error_response(ErrorCode.INVALID_AMOUNT, _describe(amounts[0]))
    return error_response(ErrorCode.INVALID_REQUEST, _describe(details[0]))


def _describe(detail: ErrorDetails) -> str:
    if detail["type"] == "json_invalid":
        return "the body is not valid JSON"
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in detail["loc"])
    field = path.lstrip(".") or "body"
    return f"{field}: {detail['msg']}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProviderError)
    async def _provider_error(_: Request, error: ProviderError) -> JSONResponse:
        return error_response(error.code, error.message)

    @app.exception_handler(ValidationError)
    async def _invalid_body(_: Request, error: ValidationError) -> JSONResponse:
        return validation_reply(error)

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, error: HTTPException) -> JSONResponse:
        code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
            error.status_code, ErrorCode.INVALID_REQUEST
        )
        return error_response(code)

    app.add_middleware(UnexpectedErrorMiddleware)


class UnexpectedErrorMiddleware:
    """Answers anything unexpected with a 500 INTERNAL_ERROR body, logging the traceback.

    A plain ASGI middleware rather than an `Exception` handler: Starlette re-raises after
    such a handler has answered, so the error would escape to the server a second time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for an error body; let the server close the connection
                raise
            await error_response(ErrorCode.INTERNAL_ERROR)(scope, receive, send)
