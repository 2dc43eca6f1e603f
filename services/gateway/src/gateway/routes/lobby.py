"""launchGame and simulateRound: operator calls, not provider callbacks.

They are not signed, but not open doors either: both need OPERATOR_API_KEY in `x-api-key`
when one is configured (`require_api_key`), and simulateRound (which can create wins)
answers only while SIMULATE_ROUND_ENABLED is on. They go to the lobby's queue, not the
wallet's: the lobby waits on the provider, which calls back into the wallet.
"""

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response
from pydantic import BaseModel

from contracts.errors import ErrorCode
from contracts.lobby import (
    LaunchGameReply,
    LaunchGameRequest,
    SimulateRoundReply,
    SimulateRoundRequest,
)
from contracts.rpc import LaunchGameCommand, SimulateRoundCommand
from gateway.body import RawBodyDep, parse_body
from gateway.commands import send_command
from gateway.dependencies import RpcDep, SettingsDep
from gateway.errors import ApiKeyInvalidError, FeatureDisabledError
from gateway.openapi import error_responses, json_body
from gateway.rpc import Rpc
from gateway.settings import GatewaySettings


async def require_api_key(
    settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None
) -> None:
    """Refuse the call unless it carries OPERATOR_API_KEY (when one is configured)."""
    expected = settings.operator_api_key
    if expected is None:
        return
    # compare_digest on bytes: constant time, and no TypeError on non-ASCII input.
    if x_api_key is None or not hmac.compare_digest(
        x_api_key.encode(), expected.get_secret_value().encode()
    ):
        raise ApiKeyInvalidError()


router = APIRouter(
    prefix="/casino", tags=["lobby (operator)"], dependencies=[Depends(require_api_key)]
)

_EVERY_LOBBY_CALL = (
    ErrorCode.INVALID_REQUEST,
    ErrorCode.API_KEY_INVALID,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.USER_NOT_FOUND,
    ErrorCode.GAME_NOT_FOUND,
    ErrorCode.GAME_INACTIVE,
    ErrorCode.PROVIDER_DISABLED,
    ErrorCode.UNSUPPORTED_CURRENCY,
    ErrorCode.PLAYER_EXCLUDED,
    ErrorCode.PROVIDER_UNAVAILABLE,
    ErrorCode.WALLET_UNAVAILABLE,
    ErrorCode.INTERNAL_ERROR,
)


async def require_simulate_enabled(settings: SettingsDep) -> None:
    if not settings.simulate_round_enabled:
        raise FeatureDisabledError("simulateRound is disabled (SIMULATE_ROUND_ENABLED is off)")


@router.post(
    "/launchGame",
    response_model=LaunchGameReply,
    openapi_extra=json_body(LaunchGameRequest),
    responses=error_responses(_EVERY_LOBBY_CALL),
)
async def launch_game(raw: RawBodyDep, rpc: RpcDep, settings: SettingsDep) -> Response:
    """Opens a game session for the player and launches it at the provider."""
    command = LaunchGameCommand(request=parse_body(LaunchGameRequest, raw))
    return await send_to_lobby(rpc, settings, command)


@router.post(
    "/simulateRound",
    response_model=SimulateRoundReply,
    openapi_extra=json_body(SimulateRoundRequest),
    responses=error_responses(
        (
            *_EVERY_LOBBY_CALL,
            ErrorCode.INVALID_AMOUNT,
            ErrorCode.FEATURE_DISABLED,
            ErrorCode.ROUND_INTERRUPTED,
        )
    ),
    dependencies=[Depends(require_simulate_enabled)],
)
async def simulate_round(raw: RawBodyDep, rpc: RpcDep, settings: SettingsDep) -> Response:
    """A test driver: launches a session and has the provider play one round in it."""
    command = SimulateRoundCommand(request=parse_body(SimulateRoundRequest, raw))
    return await send_to_lobby(rpc, settings, command)


async def send_to_lobby(rpc: Rpc, settings: GatewaySettings, command: BaseModel) -> Response:
    """An operator command to the lobby's queue, answered within the lobby's timeout."""
    return await send_command(
        rpc,
        settings.lobby_queue,
        command,
        settings.lobby_rpc_timeout_seconds,
        log_success=settings.log_every_command,
    )
