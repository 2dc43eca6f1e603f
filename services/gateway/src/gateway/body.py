"""Reading a request body: raw bytes within MAX_BODY_BYTES, then a contracts model.

The body is read raw (not parsed by FastAPI) because the signature covers the exact
bytes received, and must be checked before anything is parsed. The read gives up as soon
as the body is known to pass the limit (`contracts.http_serving.read_body_within`), so a
caller cannot make the gateway buffer more. A body that does not validate is refused as
every service refuses one (`contracts.errors.ErrorBody.of_invalid`).
"""

from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from contracts.errors import ErrorBody
from contracts.http_serving import read_body_within
from gateway.dependencies import SettingsDep
from gateway.errors import InvalidBodyError, PayloadTooLargeError

Model = TypeVar("Model", bound=BaseModel)


async def read_raw_body(request: Request, settings: SettingsDep) -> bytes:
    """The body exactly as received, or PayloadTooLargeError past MAX_BODY_BYTES."""
    body = await read_body_within(request, settings.max_body_bytes)
    if body is None:
        raise PayloadTooLargeError(
            f"The request body is larger than {settings.max_body_bytes} bytes"
        )
    return body


RawBodyDep = Annotated[bytes, Depends(read_raw_body)]


def parse_body(model: type[Model], raw: bytes) -> Model:
    """`raw` validated as `model`: INVALID_AMOUNT for a bad amount, INVALID_REQUEST naming
    the offending fields for anything else."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False)
        raise InvalidBodyError(body=ErrorBody.of_invalid(details)) from None
