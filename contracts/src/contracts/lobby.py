"""The casino's player- and tester-facing calls: launchGame and simulateRound.

Their requests carry no free text: ids are UUIDs and the currency is three capital
letters (`contracts.text.Currency`), so nothing unstorable gets through. Every balance is
a `contracts.money.Balance`.
"""

from typing import Annotated
from uuid import UUID

from pydantic import Field

from contracts.base import WireModel
from contracts.money import Amount, Balance, BetAmount
from contracts.text import Currency


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
    amount: BetAmount


class WinSpec(WireModel):
    amount: Amount
    related_bet_index: Annotated[int, Field(ge=0)] | None = None


class RollbackSpec(WireModel):
    bet_index: Annotated[int, Field(ge=0)]


class SimulateRoundRequest(WireModel):
    user_id: UUID
    game_id: UUID
    currency: Currency = "USD"
    bets: list[BetSpec] = Field(default_factory=list, max_length=50)
    wins: list[WinSpec] = Field(default_factory=list, max_length=50)
    rollbacks: list[RollbackSpec] = Field(default_factory=list, max_length=50)


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


class SimulateRoundReply(WireModel):
    success: bool = True
    session_id: UUID
    round_id: str
    transactions: list[RoundTransaction]
    final_balance: Balance
    currency: str
