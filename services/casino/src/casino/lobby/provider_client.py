"""The casino's signed HTTP client of one game provider: POST /provider/launch,
POST /provider/simulate, and a free-round campaign's registration and cancellation
(POST /provider/freeRounds and /provider/freeRounds/cancel) at that provider's endpoint.

Each body is serialised once; exactly those bytes are signed (`x-provider-signature`, with
that provider's secret: its registered casino secret, or the first PROVIDER_SECRET for the
default provider) and sent, since the provider's MAC covers the raw bytes. Calls are never
retried here: a round moves money, and the provider already retries its own wallet
callbacks. Any failure to get a usable answer is a `ProviderUnavailableError`, whose
message names the path and the provider's answer, never its secret.

Every provider's client shares the lobby's one HTTP connection pool (`provider_links`):
a client is only an endpoint and a secret over it, cheap to make for each command.
"""

from typing import TypeVar

import httpx
from pydantic import ValidationError

from casino.lobby.errors import ProviderUnavailableError
from contracts.base import WireModel
from contracts.logs import CORRELATION_HEADER
from contracts.provider import (
    FreeRoundsCancel,
    FreeRoundsGrant,
    FreeRoundsReply,
    ProviderLaunchReply,
    ProviderLaunchRequest,
    ProviderSimulateReply,
    ProviderSimulateRequest,
)
from contracts.signing import PROVIDER_SIGNATURE_HEADER, Secret, signature_headers

# A round waits on the provider's wallet callbacks (each retried with backoff), so it may
# take longer than a launch. Both stay under the gateway's lobby timeout (60 s by
# default), so the caller gets our answer rather than a timeout.
LAUNCH_TIMEOUT_SECONDS = 10.0
SIMULATE_TIMEOUT_SECONDS = 45.0
# A campaign call only writes a row at the provider.
CAMPAIGN_TIMEOUT_SECONDS = LAUNCH_TIMEOUT_SECONDS

ReplyT = TypeVar("ReplyT", ProviderLaunchReply, ProviderSimulateReply, FreeRoundsReply)


class ProviderClient:
    """Signs and sends the lobby's calls to one provider, and reads its answers."""

    def __init__(self, http: httpx.AsyncClient, endpoint: str, secret: Secret) -> None:
        self._http = http
        self._endpoint = endpoint.rstrip("/")
        self._secret = secret

    async def launch(
        self, request: ProviderLaunchRequest, correlation_id: str | None = None
    ) -> ProviderLaunchReply:
        return await self._post(
            "/provider/launch", request, ProviderLaunchReply, LAUNCH_TIMEOUT_SECONDS, correlation_id
        )

    async def simulate(
        self, request: ProviderSimulateRequest, correlation_id: str | None = None
    ) -> ProviderSimulateReply:
        return await self._post(
            "/provider/simulate",
            request,
            ProviderSimulateReply,
            SIMULATE_TIMEOUT_SECONDS,
            correlation_id,
        )

    async def register_free_rounds(
        self, grant: FreeRoundsGrant, correlation_id: str | None = None
    ) -> FreeRoundsReply:
        """Register a free-round campaign with the provider, so it plays its rounds.

        Idempotent at the provider: registering the same campaign (same `campaignId` and
        terms) again answers its current state (`status` active, exhausted, expired or
        cancelled), so a registration whose answer was lost may simply be sent again.

        Raises `ProviderUnavailableError` (code PROVIDER_UNAVAILABLE) when the provider
        cannot be reached, times out, or refuses: a refusal's message names the
        provider's own code, e.g. `DUPLICATE_TRANSACTION` (the campaignId was registered
        with other terms), `GAME_NOT_FOUND`, `GAME_INACTIVE`, `CASINO_NOT_FOUND`,
        `INVALID_REQUEST` or `SIGNATURE_INVALID`.
        """
        return await self._post(
            "/provider/freeRounds",
            grant,
            FreeRoundsReply,
            CAMPAIGN_TIMEOUT_SECONDS,
            correlation_id,
        )

    async def cancel_free_rounds(
        self, cancel: FreeRoundsCancel, correlation_id: str | None = None
    ) -> FreeRoundsReply:
        """Withdraw a campaign at the provider: it plays no more of its rounds.

        Idempotent: cancelling again answers `status` cancelled; a campaign the provider
        never held answers success with `status` unknown (there is nothing to withdraw,
        and nothing of it will ever be played there).

        Raises `ProviderUnavailableError` (code PROVIDER_UNAVAILABLE) when the provider
        cannot be reached, times out, or refuses (its code in the message, e.g.
        `CASINO_NOT_FOUND`, `INVALID_REQUEST`, `SIGNATURE_INVALID`).
        """
        return await self._post(
            "/provider/freeRounds/cancel",
            cancel,
            FreeRoundsReply,
            CAMPAIGN_TIMEOUT_SECONDS,
            correlation_id,
        )

    async def _post(
        self,
        path: str,
        request: WireModel,
        reply_type: type[ReplyT],
        time_limit: float,
        correlation_id: str | None,
    ) -> ReplyT:
        # Options left at their defaults are left out: a seed-style round reads as before.
        body = request.model_dump_json(
            by_alias=True, exclude_none=True, exclude_defaults=True
        ).encode()
        headers = {
            "content-type": "application/json",
            **signature_headers(body, self._secret, PROVIDER_SIGNATURE_HEADER),
        }
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        try:
            response = await self._http.post(
                self._endpoint + path, content=body, headers=headers, timeout=time_limit
            )
        except httpx.HTTPError as error:
            raise ProviderUnavailableError(
                f"The game provider did not answer {path}: {type(error).__name__}"
            ) from error
        if response.status_code != httpx.codes.OK:
            raise ProviderUnavailableError(_refusal(path, response))
        try:
            reply = reply_type.model_validate_json(response.content)
        except ValidationError as error:
            raise ProviderUnavailableError(
                f"The game provider answered {path} with a body we cannot read"
            ) from error
        if not reply.success:
            raise ProviderUnavailableError(f"The game provider refused {path}")
        return reply


def _refusal(path: str, response: httpx.Response) -> str:
    """A message naming the provider's own error code, so an operator can tell why."""
    try:
        detail = response.json()
    except ValueError:
        detail = None
    refusal = f"The game provider refused {path} with HTTP {response.status_code}"
    if isinstance(detail, dict) and "code" in detail:
        return f"{refusal} {detail['code']}: {detail.get('error')}"
    return refusal
