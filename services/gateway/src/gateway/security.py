"""Who may call what: the casino signature on wallet callbacks, the operator's API key
on the lobby endpoints.

The signature is checked over the raw body bytes exactly as received, before anything is
parsed, so an unauthenticated body is never interpreted, let alone sent to the wallet.
"""

import hmac
from typing import Annotated

from fastapi import Depends, Header
from starlette.datastructures import Headers

from contracts.signing import CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from gateway.dependencies import SettingsDep
from gateway.errors import ApiKeyInvalidError, SignatureInvalidError
from gateway.settings import GatewaySettings


def check_signature(raw: bytes, headers: Headers, settings: GatewaySettings) -> None:
    """Refuse the body unless a configured CASINO_SECRET is shown to have signed it."""
    try:
        verify(
            raw,
            headers.get(CASINO_SIGNATURE_HEADER),
            settings.casino_secret,
            timestamp=headers.get(TIMESTAMP_HEADER),
            require_timestamp=settings.signature_timestamp_required,
            tolerance_seconds=settings.signature_tolerance_seconds,
        )
    except SignatureError as error:
        raise SignatureInvalidError(f"The request signature is invalid: {error}") from None


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


ApiKeyDep = Depends(require_api_key)
