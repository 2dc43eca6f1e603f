"""The one place where a failure becomes an HTTP response.

Every failure is `{success: false, error, code, retryable}` (`contracts.errors.ErrorBody`)
with the catalogue's status: our own refusals, the casino's error replies, Starlette's
404/405, request validation, and any unexpected exception (a 500 whose body never
carries a stack trace; the trace goes to the log).
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.errors import ErrorBody, ErrorCode

log = logging.getLogger(__name__)


class GatewayError(Exception):
    """Raised when a request is answered with an error instead of a success."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str | None = None) -> None:
        self.body = ErrorBody.of(self.code, message)
        super().__init__(self.body.error)


class SignatureInvalidError(GatewayError):
    """Raised when a wallet callback's signature is missing, malformed, stale or wrong."""

    code = ErrorCode.SIGNATURE_INVALID


class ApiKeyInvalidError(GatewayError):
    """Raised when an operator endpoint is called without the configured API key."""

    code = ErrorCode.API_KEY_INVALID


class FeatureDisabledError(GatewayError):
    """Raised when simulateRound is called while SIMULATE_ROUND_ENABLED is off."""

    code = ErrorCode.FEATURE_DISABLED


class PayloadTooLargeError(GatewayError):
    """Raised when a body is (or announces itself as) larger than MAX_BODY_BYTES."""

    code = ErrorCode.PAYLOAD_TOO_LARGE


class InvalidRequestError(GatewayError):
    """Raised when a body is not JSON, or a required field is missing or mistyped."""

    code = ErrorCode.INVALID_REQUEST


class InvalidAmountError(GatewayError):
    """Raised when an amount is not whole minor units within bounds."""

    code = ErrorCode.INVALID_AMOUNT


class WalletUnavailableError(GatewayError):
    """Raised when the casino cannot be reached over RabbitMQ, or does not answer in time."""

    code = ErrorCode.WALLET_UNAVAILABLE


class UnreadableReplyError(GatewayError):
    """Raised when the casino's reply to a message does not match what was sent."""


class ProviderUnavailableError(GatewayError):
    """Raised when a forwarded /provider/* call cannot reach the provider."""

    code = ErrorCode.PROVIDER_UNAVAILABLE


class CasinoRefusedError(GatewayError):
    """Raised when the casino answered a command with an error reply."""

    def __init__(self, body: ErrorBody) -> None:
        self.code = body.code
        self.body = body
        Exception.__init__(self, body.error)


def error_response(body: ErrorBody) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), status_code=body.status)


def internal_error_response() -> JSONResponse:
    return error_response(ErrorBody.of(ErrorCode.INTERNAL_ERROR))


_HTTP_STATUS_CODES = {
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def refusal_response(path: str, error: GatewayError) -> JSONResponse:
    """The answer to a request to `path` that failed with `error`, logged as refused
    unless the casino refused it (that one is logged with its command)."""
    if not isinstance(error, CasinoRefusedError):
        _log_refusal(path, error.body)
    return error_response(error.body)


async def _gateway_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GatewayError)
    return refusal_response(request.scope["path"], exc)


def _log_refusal(path: str, body: ErrorBody) -> None:
    # With no access log (ACCESS_LOG), this is the one line about a request refused here.
    log.info("request refused", extra={"path": path, "code": body.code.value})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_STATUS_CODES.get(exc.status_code)
    if code is None:
        # Only the codes above are raised by the framework for our routes; anything else
        # is a bug, not something to echo to the caller.
        log.error("unexpected HTTP exception %s: %s", exc.status_code, exc.detail)
        return internal_error_response()
    body = ErrorBody.of(code)
    _log_refusal(request.scope["path"], body)
    response = error_response(body)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(str(part) for part in e["loc"]) for e in exc.errors())
    body = ErrorBody.of(ErrorCode.INVALID_REQUEST, f"invalid: {fields}")
    _log_refusal(request.scope["path"], body)
    return error_response(body)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
