"""The game provider's endpoints, as the casino calls them (POST /provider/<name>).

Every text field is a `contracts.text` type, so nothing the provider's database cannot
store gets past validation. A balance is a `contracts.money.Balance`, not an amount: a
wallet may hold far more than one bet may move.
"""

from typing import Annotated, Literal

from pydantic import Field

from contracts.base import WireModel
from contracts.money import Amount, Balance
from contracts.text import Currency, Identifier, SessionToken


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


ActionType = Literal["balance_check", "bet", "payout", "rollback"]


class RoundAction(WireModel):
    """One step of a round: `bet` and `payout` need `amount`; `payout` and `rollback`
    name the bet by its position among this round's bets (`betIndex`)."""

    type: ActionType
    amount: Amount | None = None
    bet_index: Annotated[int, Field(ge=0)] | None = None


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


class ProviderHealth(WireModel):
    status: Literal["ok"] = "ok"
    service: str = "game-provider"
