"""The operator's calls beyond launching games: free-round campaigns, player protection
(limits and exclusion) and reading a round.

Each HTTP body or path is one of these requests; the gateway carries it to the lobby as
an `OperatorCommand` (`contracts.rpc`), and the lobby answers with the reply model. Ids
are UUIDs, currencies three capital letters and amounts `contracts.money` types, so
nothing unstorable gets through. Times are ISO 8601 with a time zone.

A limit's value on the wire: a whole number (minor units for the bet and loss limits,
minutes for the session), or null for "no limit". In a change (`PUT
/casino/players/{userId}/limits`) a field that is present with null removes that limit,
and a field that is absent leaves it as it is; `PlayerLimitsChange.changes` tells the two
apart, and the command carries only what is to change.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.base import WireModel
from contracts.money import Amount, BetAmount
from contracts.text import Currency, Identifier

MAX_FREE_ROUNDS = 1_000_000
"""The most rounds one campaign may grant (the provider's bound too)."""

MAX_SESSION_MINUTES = 366 * 24 * 60
"""A session limit longer than a year is no limit; larger values are refused."""


# --- Free-round campaigns ---------------------------------------------------------------


class GrantFreeRoundsRequest(WireModel):
    """`POST /casino/freeRounds`: `rounds` free bets of `betAmount` each for one player at
    one game, in the player's wallet in `currency`, playable until `expiresAt`."""

    user_id: UUID
    game_id: UUID
    currency: Currency
    rounds: Annotated[int, Field(ge=1, le=MAX_FREE_ROUNDS, strict=True)]
    bet_amount: BetAmount
    expires_at: AwareDatetime


class CampaignRequest(WireModel):
    """`POST /casino/freeRounds/cancel`, and `GET /casino/freeRounds/{campaignId}`."""

    campaign_id: UUID


class PlayerCampaignsRequest(WireModel):
    """`GET /casino/players/{userId}/freeRounds`: every campaign of the player."""

    user_id: UUID


CampaignStatus = Literal["active", "unregistered", "exhausted", "expired", "cancelled"]
"""`active`: playable. `unregistered`: stored, but the provider has not acknowledged it
yet (a grant under way). `exhausted`: every round played. `expired`: past `expiresAt`.
`cancelled`: withdrawn by an operator, or because the provider could not be told of it."""


class FreeRoundsCampaign(WireModel):
    """A campaign as the casino holds it."""

    campaign_id: UUID
    user_id: UUID
    game_id: UUID
    currency: str
    rounds: int
    rounds_used: int
    bet_amount: int
    expires_at: datetime
    status: CampaignStatus
    created_at: datetime
    cancelled_at: datetime | None = None
    provider_registered_at: datetime | None = None
    provider_cancelled_at: datetime | None = None
    granted_by: str | None = None


class FreeRoundsCampaignReply(FreeRoundsCampaign):
    """The answer to a grant, a cancel or a read: the campaign after the call."""

    success: bool = True


class FreeRoundsCampaignsReply(WireModel):
    success: bool = True
    campaigns: list[FreeRoundsCampaign]


# --- Player protection ------------------------------------------------------------------


class LimitName(StrEnum):
    """A player's limits, as the operator names them on the wire."""

    MAX_BET = "maxBet"
    DAILY_LOSS = "dailyLossLimit"
    WEEKLY_LOSS = "weeklyLossLimit"
    MONTHLY_LOSS = "monthlyLossLimit"
    SESSION_MINUTES = "sessionMinutes"


SessionMinutes = Annotated[int, Field(ge=1, le=MAX_SESSION_MINUTES, strict=True)]


class PlayerLimitsChange(WireModel):
    """The body of `PUT /casino/players/{userId}/limits`: a present field sets its limit
    (null removes it), an absent one leaves it alone."""

    currency: Currency
    max_bet: Amount | None = None
    daily_loss_limit: Amount | None = None
    weekly_loss_limit: Amount | None = None
    monthly_loss_limit: Amount | None = None
    session_minutes: SessionMinutes | None = None

    def changes(self) -> list["LimitChange"]:
        """Only the limits the caller named, with their new value (None: remove it)."""
        named = self.model_fields_set
        return [
            LimitChange(limit=LimitName(_wire_name(field)), value=getattr(self, field))
            for field in type(self).model_fields
            if field != "currency" and field in named
        ]


def _wire_name(field: str) -> str:
    alias = PlayerLimitsChange.model_fields[field].alias
    return alias or field


class LimitChange(WireModel):
    limit: LimitName
    value: Annotated[int, Field(ge=0, le=10**15, strict=True)] | None


class SetPlayerLimitsRequest(WireModel):
    """What the gateway sends the lobby for a limits change: only the limits named."""

    user_id: UUID
    currency: Currency
    changes: Annotated[list[LimitChange], Field(max_length=len(LimitName))]


class PlayerLimitsRequest(WireModel):
    """`GET /casino/players/{userId}/limits?currency=USD`."""

    user_id: UUID
    currency: Currency


class PendingLimit(WireModel):
    """A change that applies later (a raise or a removal, after the cooling-off)."""

    limit: LimitName
    value: int | None
    applies_at: datetime


class LimitsInForce(WireModel):
    """Every limit now in force; null: no such limit."""

    max_bet: int | None = None
    daily_loss_limit: int | None = None
    weekly_loss_limit: int | None = None
    monthly_loss_limit: int | None = None
    session_minutes: int | None = None


class PlayerLimitsReply(WireModel):
    success: bool = True
    user_id: UUID
    currency: str
    limits: LimitsInForce
    pending: list[PendingLimit]

    def to_wire(self) -> dict[str, Any]:
        # A null limit means "no limit" here: it is said, not left out.
        return self.model_dump(mode="json", by_alias=True)


class ExcludePlayerBody(WireModel):
    """The body of `POST /casino/players/{userId}/exclusion`: until when (absent or
    null: for ever)."""

    until: AwareDatetime | None = None


class ExcludePlayerRequest(WireModel):
    user_id: UUID
    until: AwareDatetime | None = None


class PlayerRequest(WireModel):
    """`GET /casino/players/{userId}/exclusion`."""

    user_id: UUID


class PlayerExclusionReply(WireModel):
    """Whether the player is excluded now, and until when (`until` null and `excluded`
    true: for ever)."""

    success: bool = True
    user_id: UUID
    excluded: bool
    permanent: bool
    until: datetime | None
    set_at: datetime | None
    set_by: str | None

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


# --- Rounds -----------------------------------------------------------------------------


class ReadRoundRequest(WireModel):
    """`GET /casino/rounds/{providerCode}/{roundId}`."""

    provider_code: Identifier
    round_id: Identifier
