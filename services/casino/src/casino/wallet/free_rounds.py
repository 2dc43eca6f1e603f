"""Free rounds at the bet: a debit naming its campaign is a free bet. Pure values, no I/O.

A free bet is recorded as a bet of the campaign's bet amount that moves nothing, and
counts one of the campaign's rounds. Free bets of one campaign are bets on one wallet
(the campaign's player and currency), so the wallet's lock serialises them: however many
race, no more are accepted than the rounds granted. A refunded free bet gives its round
back.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from casino.wallet.errors import (
    FreeRoundAmountError,
    FreeRoundsExhaustedError,
    FreeRoundsExpiredError,
    FreeRoundsNotFoundError,
    WalletError,
)


@dataclass(frozen=True)
class Campaign:
    """A campaign as the batch read it (under the wallet's lock), and its rounds played."""

    id: uuid.UUID
    wallet_id: uuid.UUID
    game_id: uuid.UUID
    rounds: int
    rounds_used: int
    bet_amount: int
    expires_at: dt.datetime
    cancelled_at: dt.datetime | None

    def refusal(self, now: dt.datetime) -> WalletError | None:
        """Why one more free bet is refused, as a recorded decision, or None."""
        if self.cancelled_at is not None or now >= self.expires_at:
            return FreeRoundsExpiredError()
        if self.rounds_used >= self.rounds:
            return FreeRoundsExhaustedError(
                f"All {self.rounds} rounds of the free-round campaign were played"
            )
        return None


def campaign_id_of(sent: str) -> uuid.UUID | None:
    """The campaign a freeRoundsCampaignId names, if it is one of ours at all."""
    try:
        return uuid.UUID(sent)
    except ValueError:
        return None


def not_found(sent: str) -> FreeRoundsNotFoundError:
    return FreeRoundsNotFoundError(
        f"No free-round campaign {sent!r} for this session's player and game"
    )


def wrong_amount(campaign: Campaign, amount: int) -> FreeRoundAmountError:
    return FreeRoundAmountError(
        f"A free round of this campaign bets {campaign.bet_amount}, not {amount}"
    )
