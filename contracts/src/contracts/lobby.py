"""The casino's player- and tester-facing calls: launchGame and simulateRound.

Their requests carry no free text: ids are UUIDs and the currency is three capital
letters (`contracts.text.Currency`), so nothing unstorable gets through. Every balance is
a `contracts.money.Balance`.

simulateRound plays one round of what real games do: bets (feeding a jackpot when they
say so), free rounds of a campaign the operator granted, rollbacks, wins, jackpot and
promotion payouts, and, when asked, the end of the round.
"""

from typing import Annotated, Self
from uuid import UUID

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.base import WireModel
from contracts.money import INVALID_AMOUNT_ERROR, Amount, Balance, BetAmount
from contracts.text import Currency

# /provider/simulate plays at most 200 actions; these bounds keep a round within them.
MAX_PAYOUTS_OF_A_KIND = 10
MAX_FREE_ROUNDS_IN_A_ROUND = 10


class LaunchGameRequest(WireModel):
    user_id: UUID
    game_id: UUID
    currency: Currency = "USD"


class LaunchGameReply(WireModel):
    success: bool = True
    session_id: UUID
    session_token: str
    balance: Balance
    currency: str
    game_url: str


class BetSpec(WireModel):
    """A bet; `jackpotContribution` (at most the amount) is the part of it that feeds a
    jackpot, recorded for the provider's reports: it does not change what the bet costs."""

    amount: BetAmount
    jackpot_contribution: Amount | None = None

    @model_validator(mode="after")
    def _contribution_within_the_bet(self) -> Self:
        if self.jackpot_contribution is not None and self.jackpot_contribution > self.amount:
            raise PydanticCustomError(
                INVALID_AMOUNT_ERROR, "jackpotContribution must be between 0 and the amount"
            )
        return self


class WinSpec(WireModel):
    amount: Amount
    related_bet_index: Annotated[int, Field(ge=0)] | None = None


class RollbackSpec(WireModel):
    bet_index: Annotated[int, Field(ge=0)]


class PayoutSpec(WireModel):
    """A payout naming no bet: a jackpot's or a promotion's, or a free round's win."""

    amount: Amount


class FreeRoundsSpec(WireModel):
    """Free rounds of a campaign the operator granted this player at this game: one free
    bet of the campaign's betAmount for each entry of `wins`, each paid that entry's
    amount (0: the free round lost) as a `bonus` win naming the campaign."""

    campaign_id: UUID
    wins: list[PayoutSpec] = Field(min_length=1, max_length=MAX_FREE_ROUNDS_IN_A_ROUND)


class SimulateRoundRequest(WireModel):
    """One round: a balance check, the bets, the free rounds, the rollbacks, the wins,
    the free rounds' wins, the jackpot wins, the promotion wins, then (`closeRound`) the
    end of the round, in that order."""

    user_id: UUID
    game_id: UUID
    currency: Currency = "USD"
    bets: list[BetSpec] = Field(default_factory=list, max_length=50)
    wins: list[WinSpec] = Field(default_factory=list, max_length=50)
    rollbacks: list[RollbackSpec] = Field(default_factory=list, max_length=50)
    jackpot_wins: list[PayoutSpec] = Field(default_factory=list, max_length=MAX_PAYOUTS_OF_A_KIND)
    promo_wins: list[PayoutSpec] = Field(default_factory=list, max_length=MAX_PAYOUTS_OF_A_KIND)
    free_rounds: FreeRoundsSpec | None = None
    close_round: bool = False


class RoundTransaction(WireModel):
    """One step of a simulated round, as the provider played it."""

    type: str
    transaction_id: str | None = None
    amount: int | None = None
    balance_after: Balance | None = None
    status: str
    code: str | None = None
    attempts: int = 1
    bet_index: int | None = None
    kind: str | None = None  # a payout's: win, bonus, jackpot or promo
    campaign_id: str | None = None  # a free round's, and its win's


class SimulateRoundReply(WireModel):
    success: bool = True
    session_id: UUID
    round_id: str
    transactions: list[RoundTransaction]
    final_balance: Balance
    currency: str
