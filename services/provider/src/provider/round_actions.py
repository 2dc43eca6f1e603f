"""What a round's action list may ask for, checked before the round starts.

Structurally impossible actions (a bet without an amount, a rollback naming no bet, a free
round naming no campaign, an option on an action it does not apply to) are refused with
400 before anything is played, so they move no money. Whether a named bet or campaign
exists is known only while playing, and is reported on the action itself.
"""

from contracts.provider import RoundAction
from provider.errors import InvalidAmountError, InvalidRequestError

NEEDS_AMOUNT = frozenset({"bet", "payout", "jackpot_win", "promo_win"})
TAKES_NO_AMOUNT = frozenset({"free_round", "end_round"})
# The calls that may close their round (`roundClosed`): bets and payouts of every kind.
CLOSE_THE_ROUND = frozenset({"bet", "free_round", "payout", "jackpot_win", "promo_win"})


def check_actions(actions: list[RoundAction]) -> None:
    """Raise InvalidRequestError (or InvalidAmountError) for the first impossible action."""
    for position, action in enumerate(actions):
        _check(f"actions[{position}]", action)


def _check(where: str, action: RoundAction) -> None:
    kind = action.type
    if kind in NEEDS_AMOUNT and action.amount is None:
        raise InvalidRequestError(f"{where}.amount: a {kind} needs an amount")
    if kind == "bet" and action.amount == 0:
        raise InvalidAmountError(f"{where}.amount: a bet is at least 1 minor unit")
    if kind in TAKES_NO_AMOUNT and action.amount is not None:
        raise InvalidRequestError(
            f"{where}.amount: a {kind} takes no amount (a free round bets its campaign's betAmount)"
        )
    if kind == "rollback" and action.bet_index is None:
        raise InvalidRequestError(f"{where}.betIndex: a rollback names a bet")
    if kind == "end_round" and action.bet_index is not None:
        raise InvalidRequestError(f"{where}.betIndex: end_round names no bet")
    if kind == "free_round" and action.campaign_id is None:
        raise InvalidRequestError(f"{where}.campaignId: a free round names its campaign")
    if kind != "free_round" and action.campaign_id is not None:
        raise InvalidRequestError(
            f"{where}.campaignId: only a free_round names a campaign (its win names the free"
            " round by betIndex)"
        )
    if kind != "bet" and action.jackpot_contribution is not None:
        raise InvalidRequestError(f"{where}.jackpotContribution: only a bet feeds a jackpot")
    if action.round_closed and kind not in CLOSE_THE_ROUND:
        raise InvalidRequestError(
            f"{where}.roundClosed: only a bet or a payout closes the round with it"
            " (end_round closes it on its own)"
        )
