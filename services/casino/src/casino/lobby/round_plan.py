"""The order a simulated round is played in: one balance check, the bets, the free rounds,
the rollbacks, the wins, the free rounds' wins, the jackpot wins, the promotion wins, and
the end of the round when asked.

A game cancels bets before it settles (docs/PROTOCOL.md), and /provider/simulate plays
the actions in the order given. Indexes are checked here, before anything is played, so
a request naming a bet that does not exist moves no money. The provider counts free
rounds among the round's bets, after the ordinary ones: free round i is bet
`len(bets) + i`, and its win names it so (a win naming a free round is its bonus).
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
        *(
            RoundAction(
                type="bet", amount=bet.amount, jackpot_contribution=bet.jackpot_contribution
            )
            for bet in request.bets
        ),
        *_free_rounds(request),
        *(RoundAction(type="rollback", bet_index=r.bet_index) for r in request.rollbacks),
        *(
            RoundAction(type="payout", amount=win.amount, bet_index=win.related_bet_index)
            for win in request.wins
        ),
        *_free_round_wins(request),
        *(RoundAction(type="jackpot_win", amount=win.amount) for win in request.jackpot_wins),
        *(RoundAction(type="promo_win", amount=win.amount) for win in request.promo_wins),
        *([RoundAction(type="end_round")] if request.close_round else []),
    ]


def _free_rounds(request: SimulateRoundRequest) -> list[RoundAction]:
    free = request.free_rounds
    if free is None:
        return []
    campaign_id = str(free.campaign_id)
    return [RoundAction(type="free_round", campaign_id=campaign_id) for _ in free.wins]


def _free_round_wins(request: SimulateRoundRequest) -> list[RoundAction]:
    if request.free_rounds is None:
        return []
    first = len(request.bets)  # the provider's index of the first free round
    return [
        RoundAction(type="payout", amount=win.amount, bet_index=first + number)
        for number, win in enumerate(request.free_rounds.wins)
    ]


def _check_bet_index(field: str, bet_index: int, bet_count: int) -> None:
    if bet_index >= bet_count:
        raise LobbyError(
            ErrorCode.INVALID_REQUEST,
            f"{field} is {bet_index}, but the round has {bet_count} bet(s)",
        )
