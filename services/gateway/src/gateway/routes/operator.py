"""The operator's API beyond launching games: free-round campaigns, player protection
and reading a round. Every route needs OPERATOR_API_KEY in `x-api-key` (when one is
configured, as for launchGame), and carries one command to the lobby's queue
(`contracts.rpc`): grants and cancels call the game's provider, as a launch does.

Bodies are read raw and validated against `contracts.operator` like every other body
(400 INVALID_REQUEST or INVALID_AMOUNT naming the field); path and query values are
validated by the same models, so a bad id is refused in the same shape.
"""

import uuid
from typing import Any, TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from contracts.errors import ErrorBody, ErrorCode
from contracts.operator import (
    CampaignRequest,
    ExcludePlayerBody,
    ExcludePlayerRequest,
    FreeRoundsCampaignReply,
    FreeRoundsCampaignsReply,
    GrantFreeRoundsRequest,
    PlayerCampaignsRequest,
    PlayerExclusionReply,
    PlayerLimitsChange,
    PlayerLimitsReply,
    PlayerLimitsRequest,
    PlayerRequest,
    ReadRoundRequest,
    SetPlayerLimitsRequest,
)
from contracts.rounds import RoundReply
from contracts.rpc import (
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
from gateway.body import RawBodyDep, parse_body
from gateway.dependencies import RpcDep, SettingsDep
from gateway.errors import InvalidBodyError
from gateway.openapi import error_responses, json_body
from gateway.routes.lobby import require_api_key, send_to_lobby

Model = TypeVar("Model", bound=BaseModel)

router = APIRouter(prefix="/casino", tags=["operator"], dependencies=[Depends(require_api_key)])

_EVERY_OPERATOR_CALL = (
    ErrorCode.INVALID_REQUEST,
    ErrorCode.API_KEY_INVALID,
    ErrorCode.WALLET_UNAVAILABLE,
    ErrorCode.INTERNAL_ERROR,
)
_CAMPAIGN_CALL = (*_EVERY_OPERATOR_CALL, ErrorCode.FREE_ROUNDS_NOT_FOUND)
_PLAYER_CALL = (*_EVERY_OPERATOR_CALL, ErrorCode.USER_NOT_FOUND)


@router.post(
    "/freeRounds",
    response_model=FreeRoundsCampaignReply,
    openapi_extra=json_body(GrantFreeRoundsRequest),
    responses=error_responses(
        (
            *_PLAYER_CALL,
            ErrorCode.INVALID_AMOUNT,
            ErrorCode.PAYLOAD_TOO_LARGE,
            ErrorCode.GAME_NOT_FOUND,
            ErrorCode.GAME_INACTIVE,
            ErrorCode.PROVIDER_DISABLED,
            ErrorCode.PLAYER_EXCLUDED,
            ErrorCode.UNSUPPORTED_CURRENCY,
            ErrorCode.PROVIDER_UNAVAILABLE,
        )
    ),
)
async def grant_free_rounds(raw: RawBodyDep, rpc: RpcDep, settings: SettingsDep) -> Response:
    """Grants a player free rounds at a game and registers them with its provider. If the
    provider cannot be told, the campaign is cancelled and 502 PROVIDER_UNAVAILABLE names
    it: grant again."""
    command = GrantFreeRoundsCommand(
        request=parse_body(GrantFreeRoundsRequest, raw), campaign_id=uuid.uuid4()
    )
    return await send_to_lobby(rpc, settings, command)


@router.post(
    "/freeRounds/cancel",
    response_model=FreeRoundsCampaignReply,
    openapi_extra=json_body(CampaignRequest),
    responses=error_responses(
        (*_CAMPAIGN_CALL, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.PROVIDER_UNAVAILABLE)
    ),
)
async def cancel_free_rounds(raw: RawBodyDep, rpc: RpcDep, settings: SettingsDep) -> Response:
    """Cancels a campaign: its free bets are refused from now on (FREE_ROUNDS_EXPIRED),
    and its provider is told. Cancelling again is harmless, and tells a provider that
    could not be told the first time."""
    command = CancelFreeRoundsCommand(request=parse_body(CampaignRequest, raw))
    return await send_to_lobby(rpc, settings, command)


@router.get(
    "/freeRounds/{campaignId}",
    response_model=FreeRoundsCampaignReply,
    responses=error_responses(_CAMPAIGN_CALL),
)
async def get_free_rounds(campaignId: str, rpc: RpcDep, settings: SettingsDep) -> Response:  # noqa: N803
    """One campaign: its terms, the rounds played and its status."""
    request = _validated(CampaignRequest, campaignId=campaignId)
    return await send_to_lobby(rpc, settings, GetFreeRoundsCommand(request=request))


@router.get(
    "/players/{userId}/freeRounds",
    response_model=FreeRoundsCampaignsReply,
    responses=error_responses(_PLAYER_CALL),
)
async def list_free_rounds(userId: str, rpc: RpcDep, settings: SettingsDep) -> Response:  # noqa: N803
    """Every campaign of the player, the newest first."""
    request = _validated(PlayerCampaignsRequest, userId=userId)
    return await send_to_lobby(rpc, settings, ListFreeRoundsCommand(request=request))


@router.put(
    "/players/{userId}/limits",
    response_model=PlayerLimitsReply,
    openapi_extra=json_body(PlayerLimitsChange),
    responses=error_responses(
        (
            *_PLAYER_CALL,
            ErrorCode.INVALID_AMOUNT,
            ErrorCode.PAYLOAD_TOO_LARGE,
            ErrorCode.UNSUPPORTED_CURRENCY,
        )
    ),
)
async def set_player_limits(
    userId: str,  # noqa: N803
    raw: RawBodyDep,
    rpc: RpcDep,
    settings: SettingsDep,
) -> Response:
    """Sets the player's limits in one currency: a field present sets its limit (null
    removes it), an absent one is left alone. A lower limit applies at once; a higher one,
    or a removal, after the cooling-off (LIMIT_COOLING_OFF_SECONDS). The limits in force
    and the changes pending."""
    change = parse_body(PlayerLimitsChange, raw)
    request = _validated(
        SetPlayerLimitsRequest,
        userId=userId,
        currency=change.currency,
        changes=[entry.model_dump(by_alias=True) for entry in change.changes()],
    )
    return await send_to_lobby(rpc, settings, SetPlayerLimitsCommand(request=request))


@router.get(
    "/players/{userId}/limits",
    response_model=PlayerLimitsReply,
    responses=error_responses(_PLAYER_CALL),
)
async def get_player_limits(
    userId: str,  # noqa: N803
    rpc: RpcDep,
    settings: SettingsDep,
    currency: str = "USD",
) -> Response:
    """The player's limits in force in `currency` (null: none) and the changes pending."""
    request = _validated(PlayerLimitsRequest, userId=userId, currency=currency)
    return await send_to_lobby(rpc, settings, GetPlayerLimitsCommand(request=request))


@router.post(
    "/players/{userId}/exclusion",
    response_model=PlayerExclusionReply,
    openapi_extra=json_body(ExcludePlayerBody),
    responses=error_responses((*_PLAYER_CALL, ErrorCode.PAYLOAD_TOO_LARGE)),
)
async def exclude_player(
    userId: str,  # noqa: N803
    raw: RawBodyDep,
    rpc: RpcDep,
    settings: SettingsDep,
) -> Response:
    """Excludes the player from play until `until`, or for ever without it: launches and
    bets are refused (403 PLAYER_EXCLUDED), wins and refunds still paid. It never
    shortens an exclusion in force."""
    body = parse_body(ExcludePlayerBody, raw)
    request = _validated(ExcludePlayerRequest, userId=userId, until=body.until)
    return await send_to_lobby(rpc, settings, ExcludePlayerCommand(request=request))


@router.get(
    "/players/{userId}/exclusion",
    response_model=PlayerExclusionReply,
    responses=error_responses(_PLAYER_CALL),
)
async def get_player_exclusion(userId: str, rpc: RpcDep, settings: SettingsDep) -> Response:  # noqa: N803
    """Whether the player is excluded now, and until when."""
    request = _validated(PlayerRequest, userId=userId)
    return await send_to_lobby(rpc, settings, GetPlayerExclusionCommand(request=request))


@router.get(
    "/rounds/{providerCode}/{roundId}",
    response_model=RoundReply,
    responses=error_responses((*_EVERY_OPERATOR_CALL, ErrorCode.ROUND_NOT_FOUND)),
)
async def read_round(
    providerCode: str,  # noqa: N803
    roundId: str,  # noqa: N803
    rpc: RpcDep,
    settings: SettingsDep,
) -> Response:
    """Every transaction of one provider's round in ledger order, per wallet that played
    it, with its status (open, closed, expired) and the player's net result."""
    request = _validated(ReadRoundRequest, providerCode=providerCode, roundId=roundId)
    return await send_to_lobby(rpc, settings, ReadRoundCommand(request=request))


def _validated(model: type[Model], **fields: Any) -> Model:
    """`fields` (path and query values, by their wire names) validated as `model`, refused
    like a body that does not validate."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False)
        raise InvalidBodyError(body=ErrorBody.of_invalid(details)) from None
