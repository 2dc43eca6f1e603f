"""The operator's commands on the lobby queue: free-round campaigns, player protection
and reading a round. Each is one call into its own package; this module only routes a
command to it and gives back the success body.

Campaign grants and cancels call the game's provider, which is why these commands are the
lobby's and not the wallet's: like a launch, they wait on a provider.
"""

import datetime as dt
from typing import Any

from casino.campaigns import granting, store
from casino.lobby.errors import LobbyError
from casino.lobby.resources import Lobby
from casino.protection import exclusions, limit_store
from casino.protection.limits import KIND_OF
from casino.protection.replies import exclusion_reply, limits_reply
from casino.rounds.reading import read_round
from contracts.errors import ErrorCode
from contracts.operator import (
    FreeRoundsCampaign,
    FreeRoundsCampaignReply,
    FreeRoundsCampaignsReply,
)
from contracts.rpc import (
    AnyOperatorCommand,
    CancelFreeRoundsCommand,
    ExcludePlayerCommand,
    GetFreeRoundsCommand,
    GetPlayerExclusionCommand,
    GetPlayerLimitsCommand,
    GrantFreeRoundsCommand,
    ListFreeRoundsCommand,
    ReadRoundCommand,
    SetPlayerLimitsCommand,
)

SET_BY = "operator-api"
"""Who the records say made a change through the gateway (the CLI says `cli`)."""


async def carry_out(
    lobby: Lobby, command: AnyOperatorCommand, correlation_id: str | None
) -> dict[str, Any]:
    """The success body of one operator command; a refusal raises `LobbyError`."""
    database = lobby.database
    match command:
        case GrantFreeRoundsCommand(request=request, campaign_id=campaign_id):
            campaign = await granting.grant(
                database,
                lobby.providers,
                lobby.casino_code,
                request,
                campaign_id,
                SET_BY,
                correlation_id,
            )
            return _campaign_reply(campaign)
        case CancelFreeRoundsCommand(request=request):
            campaign = await granting.cancel(
                database, lobby.providers, lobby.casino_code, request.campaign_id, correlation_id
            )
            return _campaign_reply(campaign)
        case GetFreeRoundsCommand(request=request):
            return _campaign_reply((await store.read(database, request.campaign_id)).view())
        case ListFreeRoundsCommand(request=request):
            campaigns = await store.campaigns_of(database, request.user_id)
            return FreeRoundsCampaignsReply(campaigns=campaigns).to_wire()
        case SetPlayerLimitsCommand(request=request):
            limits = await limit_store.set_limits(
                database,
                request.user_id,
                request.currency,
                [(KIND_OF[change.limit], change.value) for change in request.changes],
                dt.timedelta(seconds=lobby.limit_cooling_off_seconds),
                SET_BY,
            )
            return limits_reply(limits).to_wire()
        case GetPlayerLimitsCommand(request=request):
            limits = await limit_store.read_limits(database, request.user_id, request.currency)
            return limits_reply(limits).to_wire()
        case ExcludePlayerCommand(request=request):
            exclusion = await exclusions.exclude(database, request.user_id, request.until, SET_BY)
            return exclusion_reply(exclusion).to_wire()
        case GetPlayerExclusionCommand(request=request):
            return exclusion_reply(
                await exclusions.read_exclusion(database, request.user_id)
            ).to_wire()
        case ReadRoundCommand(request=request):
            found = await read_round(database, request.provider_code, request.round_id)
            if found is None:
                raise LobbyError(
                    ErrorCode.ROUND_NOT_FOUND,
                    f"No round {request.round_id!r} of provider {request.provider_code!r}",
                )
            return {"success": True, **found.to_wire()}


def _campaign_reply(campaign: FreeRoundsCampaign) -> dict[str, Any]:
    return FreeRoundsCampaignReply(**dict(campaign)).to_wire()
