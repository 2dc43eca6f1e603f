"""The game provider's endpoints, as the casino calls them (POST /provider/<name>).

Every text field is a `contracts.text` type, so nothing the provider's database cannot
store gets past validation. A balance is a `contracts.money.Balance`, not an amount: a
wallet may hold far more than one bet may move.

Beyond launch and simulate: a round may close with a call (`roundClosed`) or on its own
(`end_round`), pay jackpots and promotions, and play free rounds of a campaign the casino
registered with `POST /provider/freeRounds` (and withdrew with
`POST /provider/freeRounds/cancel`).
"""

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.base import WireModel
from contracts.money import INVALID_AMOUNT_ERROR, Amount, Balance, BetAmount
from contracts.text import Currency, Identifier, SessionToken
from contracts.wallet import CreditKind


class ProviderLaunchRequest(WireModel):
    casino_code: Identifier
    player_id: Identifier
    game_id: Identifier
    session_token: SessionToken
    currency: Currency
    balance: Balance


class ProviderLaunchReply(WireModel):
    success: bool = True
    provider_session_id: str
    game_url: str
    player_id: str


ActionType = Literal[
    "balance_check",
    "bet",
    "payout",
    "rollback",
    "free_round",
    "jackpot_win",
    "promo_win",
    "end_round",
]


class RoundAction(WireModel):
    """One step of a round.

    - `bet` needs `amount` (and may say how much of it feeds a jackpot,
      `jackpotContribution`); `payout`, `jackpot_win` and `promo_win` need `amount`.
    - `payout` and `rollback` name a bet by its position among this round's bets
      (`betIndex`; free rounds count as bets); `jackpot_win` and `promo_win` may.
    - `free_round` bets the campaign's `betAmount` for free (`campaignId`, a campaign the
      casino registered); a `payout` naming it is the free round's `bonus` win.
    - `end_round` closes the round; `roundClosed` on a bet or a payout closes it with
      that call.
    """

    type: ActionType
    amount: Amount | None = None
    bet_index: Annotated[int, Field(ge=0)] | None = None
    round_closed: bool = False
    jackpot_contribution: Amount | None = None
    campaign_id: Identifier | None = None

    @model_validator(mode="after")
    def _contribution_within_the_bet(self) -> Self:
        contribution, amount = self.jackpot_contribution, self.amount
        if contribution is not None and amount is not None and contribution > amount:
            raise PydanticCustomError(
                INVALID_AMOUNT_ERROR, "jackpotContribution must be between 0 and the amount"
            )
        return self


class ProviderSimulateRequest(WireModel):
    casino_code: Identifier
    session_token: SessionToken
    game_id: Identifier
    actions: Annotated[list[RoundAction], Field(max_length=200)]


class ActionResult(WireModel):
    """What happened to one action: the casino's answer, after any retries."""

    type: ActionType
    transaction_id: str | None = None
    amount: int | None = None
    bet_index: int | None = None
    kind: CreditKind | None = None  # a payout's kind
    campaign_id: str | None = None  # the campaign a free round or its win belongs to
    status: Literal["accepted", "rejected", "unknown"]
    code: str | None = None
    error: str | None = None
    balance_after: Balance | None = None
    attempts: int = 1


class ProviderSimulateReply(WireModel):
    success: bool = True
    round_id: str
    results: list[ActionResult]
    final_balance: Balance | None


class FreeRoundsGrant(WireModel):
    """A free-round campaign the casino registers with the game's provider
    (`POST /provider/freeRounds`): `rounds` free bets of `betAmount` each, for one player
    (the casino's id, as in a launch) at one game (the provider's game code), until
    `expiresAt`. Registering the same campaign again with the same terms is harmless."""

    casino_code: Identifier
    campaign_id: Identifier
    player_id: Identifier
    game_id: Identifier
    currency: Currency
    rounds: Annotated[int, Field(ge=1, le=1_000_000)]
    bet_amount: BetAmount
    expires_at: AwareDatetime


class FreeRoundsCancel(WireModel):
    """Withdraws a campaign (`POST /provider/freeRounds/cancel`): the provider plays no
    more of its rounds."""

    casino_code: Identifier
    campaign_id: Identifier


CampaignStatus = Literal["active", "exhausted", "expired", "cancelled", "unknown"]


class FreeRoundsReply(WireModel):
    """The provider's view of a campaign after the call. `unknown` answers the cancel of a
    campaign it never held: nothing to withdraw, and nothing of it will be played."""

    success: bool = True
    campaign_id: str
    status: CampaignStatus
    rounds: int | None = None
    rounds_played: int | None = None
    expires_at: datetime | None = None


class ProviderHealth(WireModel):
    status: Literal["ok"] = "ok"
    service: str = "game-provider"
