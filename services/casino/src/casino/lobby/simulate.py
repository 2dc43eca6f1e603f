"""simulateRound: launch a session, have the game's provider play one round on it, report it.

The action list is built (and its bet indexes checked) before anything is launched, and
the session is ended once the round is over, whatever happened to it. The final balance
is read from the casino's wallet: the casino database is the authority on money.
"""

from casino.lobby.launch import launch
from casino.lobby.queries import wallet_balance
from casino.lobby.resources import Lobby
from casino.lobby.round_plan import round_actions
from casino.lobby.round_report import round_report
from casino.sessions import end_session
from contracts.lobby import LaunchGameRequest, SimulateRoundReply, SimulateRoundRequest
from contracts.provider import ProviderSimulateRequest


async def simulate_round(
    lobby: Lobby, request: SimulateRoundRequest, correlation_id: str | None
) -> SimulateRoundReply:
    actions = round_actions(request)
    launched = await launch(
        lobby,
        LaunchGameRequest(
            user_id=request.user_id, game_id=request.game_id, currency=request.currency
        ),
        correlation_id,
    )
    session, game = launched.session, launched.game
    try:
        played = await launched.provider.simulate(
            ProviderSimulateRequest(
                casino_code=lobby.casino_code,
                session_token=session.token,
                game_id=game.provider_game_code,
                actions=actions,
            ),
            correlation_id,
        )
    finally:
        await end_session(lobby.database, session.session_id)
    balance = await wallet_balance(lobby.database, session.wallet_id)
    return round_report(played, session.session_id, balance, game.currency)
