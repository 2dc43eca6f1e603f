"""Who may call us: the casino, proven by `x-provider-signature` over the raw body.

The body is read once, as bytes, at most MAX_BODY_BYTES of it (413 beyond that, before
any signature work; `contracts.http_serving.read_body_within`), and the MAC is checked over
exactly those bytes: never over JSON re-serialised by us, which would differ in spacing or
key order from what was signed.
"""

from typing import Annotated

from fastapi import Depends, Request

from contracts.http_serving import read_body_within
from contracts.signing import PROVIDER_SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from provider.errors import PayloadTooLargeError, SignatureInvalidError
from provider.settings import ProviderSettings


def check_signature(body: bytes, request: Request, settings: ProviderSettings) -> None:
    try:
        verify(
            body,
            request.headers.get(PROVIDER_SIGNATURE_HEADER),
            settings.provider_secret,
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            require_timestamp=settings.signature_timestamp_required,
            tolerance_seconds=settings.signature_tolerance_seconds,
        )
    except SignatureError as error:
        raise SignatureInvalidError(str(error)) from error


async def signed_body(request: Request) -> bytes:
    """The body of a request the casino signed; refuses anything else before it is read
    as JSON, so an unsigned request touches nothing."""
    settings: ProviderSettings = request.app.state.settings
    body = await read_body_within(request, settings.max_body_bytes)
    if body is None:
        raise PayloadTooLargeError(f"the body is larger than {settings.max_body_bytes} bytes")
    check_signature(body, request, settings)
    return body


SignedBody = Annotated[bytes, Depends(signed_body)]
