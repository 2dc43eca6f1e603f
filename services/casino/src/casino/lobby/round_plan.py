"""The order a simulated round is played in: one balance check, the bets, the rollbacks,
then the wins.

A game cancels bets before it settles (docs/PROTOCOL.md), and /provider/simulate plays
the actions in the order given. Indexes are checked here, before anything is played, so
a request naming a bet that does not exist moves no money.
"""

from casino.lobby.errors import LobbyError
from contracts.errors import ErrorCode
from contracts.lobby import SimulateRoundRequest
from contracts.provider import RoundAction


def round_actions(request: SimulateRoundRequest) -> list[RoundAction]:
    """The provider's action list for `request`; `LobbyError` if it names a missing bet."""
    bet_count = len(request.bets)
    for position, rollback in enumerate(request.rollbacks):
        _check_bet_index(f"rollbacks[{position}].betIndex", rollback.bet_index, bet_count)
    for position, win in enumerate(request.wins):
        if win.related_bet_index is not None:
            _check_bet_index(f"wins[{position}].relatedBetIndex", win.related_bet_index, bet_count)
    return [
        RoundAction(type="balance_check"),
        *(RoundAction(type="bet", amount=bet.amount) for bet in request.bets),
        *(RoundAction(type="rollback", bet_index=r.bet_index) for r in request.rollbacks),
        *(
            RoundAction(type="payout", amount=win.amount, bet_index=win.related_bet_index)
            for win in request.wins
        ),
    ]


def _check_bet_index(field: str, bet_index: int, bet_count: int) -> None:
    if bet_index >= bet_count:
        raise LobbyError(
            ErrorCode.INVALID_REQUEST,
            f"{field} is {bet_index}, but the round has {bet_count} bet(s)",
        )
