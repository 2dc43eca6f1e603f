"""The provider's errors, and the one place they become an HTTP reply.

Every failure answers `contracts.errors.ErrorBody` with the catalogue's status: our own
errors, bodies that do not validate (`ErrorBody.of_invalid`: INVALID_AMOUNT when an amount
is at fault, else INVALID_REQUEST, naming the fields), unknown paths and methods. Anything
unexpected is logged with its traceback and answered 500 without one, by
`contracts.http_serving.EveryRequest` (installed in `provider.app`).
"""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from contracts.errors import ErrorBody, ErrorCode
from contracts.http_serving import error_response


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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProviderError)
    async def _provider_error(_: Request, error: ProviderError) -> JSONResponse:
        return error_response(ErrorBody.of(error.code, error.message))

    @app.exception_handler(ValidationError)
    async def _invalid_body(_: Request, error: ValidationError) -> JSONResponse:
        return error_response(ErrorBody.of_invalid(error.errors(include_input=False)))

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, error: HTTPException) -> JSONResponse:
        code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
            error.status_code, ErrorCode.INVALID_REQUEST
        )
        return error_response(ErrorBody.of(code))
