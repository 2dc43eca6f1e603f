"""The one place where a failure becomes an HTTP response.

Every failure is `{success: false, error, code, retryable}` (`contracts.errors.ErrorBody`)
with the catalogue's status: our own refusals, the casino's error replies, Starlette's
404/405 and request validation. An exception nothing here handles is answered 500 by
`contracts.http_serving.EveryRequest` (a body that never carries a stack trace; the trace
goes to the log).
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.errors import ErrorBody, ErrorCode
from contracts.http_serving import error_response

log = logging.getLogger(__name__)


class GatewayError(Exception):
    """Raised when a request is answered with an error instead of a success; `body` is the
    answer, made from the class's code and `message` unless given whole."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str | None = None, *, body: ErrorBody | None = None) -> None:
        self.body = body or ErrorBody.of(self.code, message)
        self.code = self.body.code
        super().__init__(self.body.error)


class SignatureInvalidError(GatewayError):
    """Raised when a wallet callback's signature is missing, malformed, stale or wrong."""

    code = ErrorCode.SIGNATURE_INVALID


class ProviderDisabledError(GatewayError):
    """Raised when a wallet callback is signed by a provider the operator disabled."""

    code = ErrorCode.PROVIDER_DISABLED


class ApiKeyInvalidError(GatewayError):
    """Raised when an operator endpoint is called without the configured API key."""

    code = ErrorCode.API_KEY_INVALID


class FeatureDisabledError(GatewayError):
    """Raised when simulateRound is called while SIMULATE_ROUND_ENABLED is off."""

    code = ErrorCode.FEATURE_DISABLED


class PayloadTooLargeError(GatewayError):
    """Raised when a body is (or announces itself as) larger than MAX_BODY_BYTES."""

    code = ErrorCode.PAYLOAD_TOO_LARGE


class InvalidBodyError(GatewayError):
    """Raised when a body does not validate against its contract model (`body.parse_body`):
    INVALID_AMOUNT when an amount is at fault, else INVALID_REQUEST."""


class WalletUnavailableError(GatewayError):
    """Raised when the casino cannot be reached over RabbitMQ, or does not answer in time."""

    code = ErrorCode.WALLET_UNAVAILABLE


class UnreadableReplyError(GatewayError):
    """Raised when the casino's reply to a message does not match what was sent."""


class ProviderUnavailableError(GatewayError):
    """Raised when a forwarded /provider/* call cannot reach the provider."""

    code = ErrorCode.PROVIDER_UNAVAILABLE


class CasinoRefusedError(GatewayError):
    """Raised when the casino answered a command with an error reply (its `body`)."""


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
        return error_response(ErrorBody.of(ErrorCode.INTERNAL_ERROR))
    body = ErrorBody.of(code)
    _log_refusal(request.scope["path"], body)
    response = error_response(body)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = ErrorBody.of_invalid(exc.errors())
    _log_refusal(request.scope["path"], body)
    return error_response(body)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
