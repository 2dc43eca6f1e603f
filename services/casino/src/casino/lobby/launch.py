"""launchGame: open a casino game session and have the game's provider open its own for it.

Nothing is opened for a launch the casino refuses (`queries.check_launch`): an unknown or
excluded player (403 PLAYER_EXCLUDED while an exclusion runs), an unknown or inactive
game, a disabled provider, or a currency the casino does not support (400
UNSUPPORTED_CURRENCY, `casino currency list`).

If the provider cannot be reached or refuses, the session is ended before the error is
answered, so no active session is left behind that no game will ever use.
"""

from dataclasses import dataclass

from casino.lobby.provider_client import ProviderClient
from casino.lobby.queries import PlayableGame, check_launch, record_provider_session
from casino.lobby.resources import Lobby
from casino.sessions import OpenedSession, end_session, open_session
from contracts.lobby import LaunchGameReply, LaunchGameRequest
from contracts.provider import ProviderLaunchRequest


@dataclass(frozen=True)
class LaunchedGame:
    game: PlayableGame
    session: OpenedSession
    game_url: str
    provider: ProviderClient
    """The client of the game's provider, which plays the session's rounds too."""


async def launch(
    lobby: Lobby, request: LaunchGameRequest, correlation_id: str | None
) -> LaunchedGame:
    """The steps launchGame and simulateRound share."""
    game = await check_launch(lobby.database, request.user_id, request.game_id, request.currency)
    provider = await lobby.providers.client_for(game.provider_id)
    session = await open_session(lobby.database, request.user_id, request.game_id, request.currency)
    try:
        launched = await provider.launch(
            ProviderLaunchRequest(
                casino_code=lobby.casino_code,
                player_id=str(request.user_id),
                game_id=game.provider_game_code,
                session_token=session.token,
                currency=game.currency,
                balance=game.balance,
            ),
            correlation_id,
        )
    except Exception:
        await end_session(lobby.database, session.session_id)
        raise
    await record_provider_session(lobby.database, session.session_id, launched.provider_session_id)
    return LaunchedGame(game, session, launched.game_url, provider)


async def launch_game(
    lobby: Lobby, request: LaunchGameRequest, correlation_id: str | None
) -> LaunchGameReply:
    launched = await launch(lobby, request, correlation_id)
    return LaunchGameReply(
        session_id=launched.session.session_id,
        session_token=launched.session.token,
        balance=launched.game.balance,
        currency=launched.game.currency,
        game_url=launched.game_url,
    )
