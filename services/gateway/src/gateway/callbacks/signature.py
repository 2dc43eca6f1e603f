"""A wallet callback shown to be signed: its body read within MAX_BODY_BYTES, then its
`x-casino-signature` verified against CASINO_SECRET, before anything is parsed, so an
unsigned body is never interpreted, let alone sent to the wallet.

The signature covers the raw bytes exactly as received. Any configured CASINO_SECRET
verifies (rotation), and with `x-signature-timestamp` the MAC covers the timestamp too and
a stale one is refused (`contracts.signing`).

A route takes one `SignedCallback`, where it once took five dependencies (settings twice,
the RPC client, the raw body, two headers): FastAPI's solving of each cost more CPU per
request than the rest of the gateway's work, and the fast path (`callbacks.fast_path`)
calls `signed_callback` itself. The headers are still documented
(`openapi.signed_json_body`).
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.datastructures import Headers

from contracts.signing import CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from gateway.body import read_raw_body
from gateway.commands import send_command
from gateway.errors import SignatureInvalidError
from gateway.rpc import Rpc
from gateway.settings import GatewaySettings


@dataclass(frozen=True, slots=True)
class SignedCallback:
    body: bytes
    settings: GatewaySettings
    wallet: Rpc
    """Batches wallet commands (`callbacks.batching`)."""

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
    settings: GatewaySettings = request.app.state.settings
    raw = await read_raw_body(request, settings)
    check_signature(raw, request.headers, settings)
    return SignedCallback(raw, settings, request.app.state.wallet_rpc)


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


SignedCallbackDep = Annotated[SignedCallback, Depends(signed_callback)]
