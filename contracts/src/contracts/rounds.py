"""A round as operators and providers read it: `GET /casino/rounds/{providerCode}/{roundId}`
(operator API key) and `casino round PROVIDER_CODE ROUND_ID`.

The casino keeps a round per provider, wallet and roundId, so one provider's roundId
names one round of each wallet it was played from; a real provider's roundIds are unique
and `rounds` then holds exactly one. Amounts are integers in the wallet currency's minor
units, like every amount on the wire; times are ISO 8601 with their offset.

Also the per-provider report of `casino report` (`ProviderReport`).
"""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.base import WireModel


class RoundStatus(StrEnum):
    OPEN = "open"  # it takes bets
    CLOSED = "closed"  # by its provider (roundClosed or endRound): nothing more goes in
    EXPIRED = "expired"  # left open too long: no more bets, still settled and refunded


class RoundTransaction(WireModel):
    """One decided wallet command of the round, as the ledger holds it.

    `outcome` is `accepted` or `rejected` (then `errorCode` says why: a rejection is a
    decision too, and moved nothing). `balanceAfter` is the wallet's balance once this
    row was applied. A free bet carries its `campaignId` and moves nothing; a rollback
    names the bet it cancels (`originalTransactionId`).
    """

    type: str  # debit, credit, rollback or end_round
    transaction_id: str
    amount: int
    outcome: str
    error_code: str | None = None
    kind: str | None = None  # a credit's: win, bonus, jackpot or promo
    original_transaction_id: str | None = None
    jackpot_contribution: int | None = None
    campaign_id: UUID | None = None
    closes_round: bool = False
    balance_after: int
    created_at: datetime


class RoundTotals(WireModel):
    """What the round's accepted rows add up to, in minor units.

    `netResult` is the player's: wins + refunds - bets, where a free bet (and the refund
    of one) costs nothing, so it is exactly how much the round moved the balance.
    """

    bets: int = 0  # paid bets, refunded or not
    free_bets: int = 0  # free-round bets: recorded at their amount, cost nothing
    wins: int = 0  # every credit, whatever its kind
    refunds: int = 0  # paid bets given back by rollbacks
    jackpot_contributions: int = 0
    net_result: int = 0


class PlayedRound(WireModel):
    """One wallet's round: its status, its transactions in ledger order, its totals.

    `openedAt` and `endedAt` are when the casino opened the round (its first accepted bet
    or payout) and closed or expired it; both are null for a round the casino holds no
    round record of (only refused commands, or rows from before rounds were recorded),
    whose status is then `open`: nothing closed it.
    """

    wallet_id: UUID
    user_id: UUID
    currency: str
    status: RoundStatus
    opened_at: datetime | None = None
    ended_at: datetime | None = None
    totals: RoundTotals
    transactions: list[RoundTransaction] = Field(default_factory=list)


class RoundReply(WireModel):
    """`GET /casino/rounds/{providerCode}/{roundId}`: every wallet's round of that id."""

    provider_code: str
    round_id: str
    rounds: list[PlayedRound]


class CurrencyReport(WireModel):
    """One currency's sums over a report's period, in its minor units (accepted rows only).

    `ggr` (gross gaming revenue) is what the players lost: bets - refunds - every payout
    (wins of all kinds). Free bets are counted apart and cost the players nothing; the
    wins they brought (kind `bonus`) are payouts like any other.
    """

    currency: str
    bets: int = 0
    bet_count: int = 0
    refunds: int = 0
    free_bets: int = 0
    free_bet_count: int = 0
    wins: dict[str, int] = Field(default_factory=dict)  # by kind: win, bonus, jackpot, promo
    jackpot_contributions: int = 0
    rounds: int = 0  # distinct (wallet, roundId) with an accepted row in the period
    ggr: int = 0


class ProviderReport(WireModel):
    """`casino report`: one provider's sums per currency over [from, to], whole days in UTC."""

    provider_code: str
    from_date: date = Field(alias="from")
    to_date: date = Field(alias="to")
    currencies: list[CurrencyReport] = Field(default_factory=list)
