"""Reading a request body: raw bytes within MAX_BODY_BYTES, then a contracts model.

The body is read raw (not parsed by FastAPI) because the signature covers the exact
bytes received, and must be checked before anything is parsed. A body that announces
itself too large is refused before reading; a chunked one is counted while it arrives,
so a caller cannot make the gateway buffer more than the limit.
"""

from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from contracts.money import INVALID_AMOUNT_ERROR
from gateway.dependencies import SettingsDep
from gateway.errors import (
    GatewayError,
    InvalidAmountError,
    InvalidRequestError,
    PayloadTooLargeError,
)

Model = TypeVar("Model", bound=BaseModel)


async def read_raw_body(request: Request, settings: SettingsDep) -> bytes:
    """The body exactly as received, or PayloadTooLargeError past MAX_BODY_BYTES."""
    limit = settings.max_body_bytes
    announced = request.headers.get("content-length")
    if announced is not None:
        if not announced.isdigit():
            raise InvalidRequestError("Content-Length is not a number")
        if int(announced) > limit:
            raise PayloadTooLargeError(f"The request body is larger than {limit} bytes")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise PayloadTooLargeError(f"The request body is larger than {limit} bytes")
    return bytes(received)


RawBodyDep = Annotated[bytes, Depends(read_raw_body)]


def parse_body(model: type[Model], raw: bytes) -> Model:
    """`raw` validated as `model`: INVALID_AMOUNT for a bad amount, INVALID_REQUEST naming
    the offending field for anything else."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise _refusal(error.errors(include_url=False, include_input=False)) from None


def _refusal(errors: list[ErrorDetails]) -> GatewayError:
    for error in errors:
        if error["type"] == INVALID_AMOUNT_ERROR:
            return InvalidAmountError(f"{_location(error)}: {error['msg']}")
    first = errors[0]
    if first["type"] == "json_invalid":
        return InvalidRequestError("The body is not valid JSON")
    if first["type"] == "model_type":
        return InvalidRequestError("The body must be a JSON object")
    problems = "; ".join(f"{_location(e)}: {e['msg']}" for e in errors)
    return InvalidRequestError(f"Invalid request: {problems}")


def _location(error: ErrorDetails) -> str:
    return ".".join(str(part) for part in error["loc"]) or "body"
