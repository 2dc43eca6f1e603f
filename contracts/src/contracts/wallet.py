"""The casino's wallet callbacks, as the provider calls them (POST /casino/<name>).

Each request model is also the payload of the matching RPC command (see `rpc.py`). Every
text field is a `contracts.text` type, so nothing the database cannot store reaches the
wallet; every balance is a `contracts.money.Balance`.

Beyond the seed's four calls (docs/PROTOCOL.md, "Rounds, payouts and free rounds"): a
debit or credit may close its round (`roundClosed`), `endRound` closes one on its own, a
credit says what kind of payout it is (`kind`), a debit may say how much of it feeds a
jackpot (`jackpotContribution`), and a free round names its campaign
(`freeRoundsCampaignId`). A client that sends none of them is a seed client, unchanged.
"""

from enum import StrEnum
from typing import Literal, Self

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from contracts.base import WireModel
from contracts.money import INVALID_AMOUNT_ERROR, Amount, Balance, BetAmount
from contracts.text import Identifier, SessionToken, Text


class GetBalanceRequest(WireModel):
    session_token: SessionToken


class CreditKind(StrEnum):
    """What a payout is for; the ledger keeps it and the reports sum by it."""

    WIN = "win"  # a bet's win (and 0 closing a losing round)
    BONUS = "bonus"  # a free round's win, naming its campaign
    JACKPOT = "jackpot"  # may name no bet, and come after the session ended
    PROMO = "promo"  # a tournament's or promotion's payout: likewise


class DebitRequest(WireModel):
    """A bet: takes `amount` from the wallet of the session's player. A free round (one
    naming its campaign) is recorded as a bet of `amount` that costs the player nothing."""

    session_token: SessionToken
    transaction_id: Identifier
    round_id: Identifier
    amount: BetAmount
    description: Text | None = None
    round_closed: bool = False
    jackpot_contribution: Amount | None = None
    free_rounds_campaign_id: Identifier | None = None

    @model_validator(mode="after")
    def _contribution_within_the_bet(self) -> Self:
        if self.jackpot_contribution is not None and self.jackpot_contribution > self.amount:
            raise PydanticCustomError(
                INVALID_AMOUNT_ERROR, "jackpotContribution must be between 0 and the amount"
            )
        return self


class CreditRequest(WireModel):
    """A payout: adds `amount` (0 closes a losing round) to the session player's wallet."""

    session_token: SessionToken
    transaction_id: Identifier
    round_id: Identifier
    amount: Amount
    related_transaction_id: Identifier | None = None
    description: Text | None = None
    round_closed: bool = False
    kind: CreditKind = CreditKind.WIN
    free_rounds_campaign_id: Identifier | None = None


class RollbackRequest(WireModel):
    """Cancels the bet `original_transaction_id`, returning its amount to the wallet."""

    session_token: SessionToken
    transaction_id: Identifier
    original_transaction_id: Identifier
    reason: Text | None = None


class EndRoundRequest(WireModel):
    """Closes a round: nothing can be bet into it or paid into it afterwards (a rollback
    still follows the rollback rules). A round the casino never saw is recorded closed."""

    session_token: SessionToken
    transaction_id: Identifier
    round_id: Identifier


class BalanceReply(WireModel):
    success: Literal[True] = True
    balance: Balance
    currency: str


class TransactionReply(WireModel):
    """The reply to a debit or credit; a retry gets exactly the first one again."""

    success: Literal[True] = True
    transaction_id: str
    balance: Balance
    currency: str


class RollbackReply(WireModel):
    success: Literal[True] = True
    transaction_id: str
    rolled_back: bool
    balance: Balance
    currency: str
    message: str | None = None


class EndRoundReply(WireModel):
    success: Literal[True] = True
    transaction_id: str
    round_id: str
    balance: Balance
    currency: str
