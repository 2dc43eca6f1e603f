"""A wallet callback shown to be signed: its body read within MAX_BODY_BYTES, then its
`x-casino-signature` verified with the secrets of the provider it names, before anything
is parsed, so an unsigned body is never interpreted, let alone sent to the wallet.

In order:

1. The provider: `x-provider-code`, or without it DEFAULT_PROVIDER_CODE (refused when
   REQUIRE_PROVIDER_CODE is on).
2. Its secrets, looked up in the registry in force (`gateway.providers`; no I/O): the
   default provider's are CASINO_SECRET and any the registry holds for it, any other
   provider's are its registry secrets only. A code the registry does not know is
   verified against a secret nobody has, so it fails exactly as a wrong signature does,
   in the same time and with the same answer: the answer does not tell which providers
   exist. Only before the casino first answered is a code other than the default's
   answered 503 (retryable): the gateway cannot tell yet.
3. The signature over the raw bytes exactly as received; any of those secrets verifies
   (rotation), and with `x-signature-timestamp` the MAC covers the timestamp too and a
   stale one is refused (`contracts.signing`).
4. Only then, a provider the operator disabled: PROVIDER_DISABLED, nothing sent.

The code verified travels on the wallet command (`contracts.rpc`), so the worker can keep
a provider to its own games.

A route takes one `SignedCallback`, where it once took five dependencies (settings twice,
the RPC client, the raw body, two headers): FastAPI's solving of each cost more CPU per
request than the rest of the gateway's work, and the fast path (`callbacks.fast_path`)
calls `signed_callback` itself. The headers are still documented
(`openapi.signed_json_body`).
"""

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, SecretStr
from starlette.datastructures import Headers

from contracts.signing import (
    CASINO_SIGNATURE_HEADER,
    PROVIDER_CODE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify,
)
from gateway.body import read_raw_body
from gateway.commands import send_command
from gateway.errors import (
    ProviderDisabledError,
    SignatureInvalidError,
    WalletUnavailableError,
)
from gateway.providers import KnownProviders
from gateway.rpc import Rpc
from gateway.settings import GatewaySettings

_NOBODYS_SECRET = (SecretStr(secrets.token_hex(32)),)
"""What an unknown provider's signature is checked against: one HMAC, as for a provider
with one secret, and never a match."""


@dataclass(frozen=True, slots=True)
class SignedCallback:
    body: bytes
    settings: GatewaySettings
    wallet: Rpc
    """Batches wallet commands (`callbacks.batching`)."""
    provider: str
    """The code of the provider whose secret signed `body`."""

    async def send(self, command: BaseModel) -> Response:
        """`command` sent to the wallet queue, its reply as the HTTP answer."""
        return await send_command(
            self.wallet,
            self.settings.wallet_queue,
            command,
            self.settings.rpc_timeout_seconds,
            log_success=self.settings.log_every_command,
        )


async def signed_callback(request: Request) -> SignedCallback:
    """Size first (413 before any signature work), then the signature."""
    state = request.app.state
    settings: GatewaySettings = state.settings
    raw = await read_raw_body(request, settings)
    provider = verified_provider(raw, request.headers, settings, state.registry.known)
    return SignedCallback(raw, settings, state.wallet_rpc, provider)


def verified_provider(
    raw: bytes, headers: Headers, settings: GatewaySettings, known: KnownProviders
) -> str:
    """The code of the enabled provider shown to have signed `raw`; refused otherwise."""
    signature, timestamp, code = _signature_headers(headers)
    if code is None:
        if settings.require_provider_code:
            raise SignatureInvalidError(
                f"The request signature is invalid: {PROVIDER_CODE_HEADER} header is required"
            )
        code = settings.default_provider_code
    provider = known.by_code.get(code)
    if provider is None and not known.loaded:
        raise WalletUnavailableError("The provider registry is not loaded yet; retry later")
    try:
        verify(
            raw,
            signature,
            _NOBODYS_SECRET if provider is None else provider.secrets,
            timestamp=timestamp,
            require_timestamp=settings.signature_timestamp_required,
            tolerance_seconds=settings.signature_tolerance_seconds,
        )
    except SignatureError as error:
        raise SignatureInvalidError(f"The request signature is invalid: {error}") from None
    if provider is None:  # nobody's secret verified a signature: not in this universe
        raise SignatureInvalidError("The request signature is invalid")
    if not provider.enabled:
        raise ProviderDisabledError("The provider is disabled")
    return code


def _signature_headers(headers: Headers) -> tuple[str | None, str | None, str | None]:
    """`x-casino-signature`, `x-signature-timestamp` and `x-provider-code` (the first of
    each), in one pass over the raw headers: `Headers.get` of a header that is absent, as
    the optional two often are, costs an exception each, a measurable share of a callback."""
    found: list[str | None] = [None, None, None]
    for name, value in headers.raw:
        index = _SIGNATURE_HEADER_INDEX.get(name)
        if index is not None and found[index] is None:
            found[index] = value.decode("latin-1")
    return found[0], found[1], found[2]


_SIGNATURE_HEADER_INDEX = {
    name.encode(): index
    for index, name in enumerate((CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, PROVIDER_CODE_HEADER))
}

SignedCallbackDep = Annotated[SignedCallback, Depends(signed_callback)]
