"""Who may call what: the casino signature on wallet callbacks, the operator's API key
on the lobby endpoints.

The signature is checked over the raw body bytes exactly as received, before anything is
parsed, so an unauthenticated body is never interpreted, let alone sent to the wallet.
"""

import hmac
from typing import Annotated

from fastapi import Depends, Header

from contracts.signing import SignatureError, verify
from gateway.body import RawBodyDep
from gateway.dependencies import SettingsDep
from gateway.errors import ApiKeyInvalidError, SignatureInvalidError


async def verified_body(
    raw: RawBodyDep,
    settings: SettingsDep,
    x_casino_signature: Annotated[str | None, Header()] = None,
    x_signature_timestamp: Annotated[str | None, Header()] = None,
) -> bytes:
    """The raw body, once a configured CASINO_SECRET is shown to have signed it."""
    try:
        verify(
            raw,
            x_casino_signature,
            settings.casino_secret,
            timestamp=x_signature_timestamp,
            require_timestamp=settings.signature_timestamp_required,
            tolerance_seconds=settings.signature_tolerance_seconds,
        )
    except SignatureError as error:
        raise SignatureInvalidError(f"The request signature is invalid: {error}") from None
    return raw


async def require_api_key(
    settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None
) -> None:
    """Refuse the call unless it carries OPERATOR_API_KEY (when one is configured)."""
    expected = settings.operator_api_key
    if expected is None:
        return
    # compare_digest on bytes: constant time, and no TypeError on non-ASCII input.
    if x_api_key is None or not hmac.compare_digest(x_api_key.encode(), expected.encode()):
        raise ApiKeyInvalidError()


VerifiedBodyDep = Annotated[bytes, Depends(verified_body)]
ApiKeyDep = Depends(require_api_key)
