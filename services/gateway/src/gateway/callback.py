"""A wallet callback as its route receives it: the body, read within MAX_BODY_BYTES and
shown to be signed, with the settings and the wallet RPC needed to send it on.

One dependency taking only the request, where there were five (settings twice, the RPC
client, the raw body, two headers): the provider calls these routes for every bet, and
FastAPI's solving of each dependency and header parameter cost more CPU per request than
the rest of the gateway's work. The order of the checks is unchanged: size, signature,
then (in the route) the body's shape. The signature headers are still documented
(`openapi.signed_json_body`). A POST skips FastAPI altogether: `gateway.fast_callbacks`
calls `signed_callback` and the route's endpoint itself.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from gateway.body import read_raw_body
from gateway.commands import send_command
from gateway.rpc import Rpc
from gateway.security import check_signature
from gateway.settings import GatewaySettings


@dataclass(frozen=True, slots=True)
class SignedCallback:
    body: bytes
    settings: GatewaySettings
    wallet: Rpc
    """Batches wallet commands (`gateway.batching`)."""

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
    settings: GatewaySettings = request.app.state.settings
    raw = await read_raw_body(request, settings)
    check_signature(raw, request.headers, settings)
    return SignedCallback(raw, settings, request.app.state.wallet_rpc)


SignedCallbackDep = Annotated[SignedCallback, Depends(signed_callback)]
