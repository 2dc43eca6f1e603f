"""Granting and cancelling a free-round campaign: the casino's record and the provider's.

A grant is stored first (checked, not yet registered), then registered with the game's
provider (`register_free_rounds`, idempotent there by campaign id); the provider's
acknowledgement is stamped on the campaign. If the provider cannot be reached or
refuses, the campaign is cancelled at once, so it can never be played half-granted, and
the provider is told of the cancellation as well as it can be (it may have registered
the campaign before its answer was lost). The caller gets 502 PROVIDER_UNAVAILABLE naming
the cancelled campaign, and grants again.

A cancellation is the casino's first: from that moment the wallet refuses the
campaign's free bets (FREE_ROUNDS_EXPIRED), whatever the provider does. Then the provider
is told (`cancel_free_rounds`); if it cannot be, the caller gets 502
PROVIDER_UNAVAILABLE saying so, and cancelling again tells it then.
"""

import logging
import uuid

from casino.campaigns import store
from casino.campaigns.store import StoredCampaign
from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.lobby.provider_links import ProviderLinks
from contracts.errors import ErrorCode
from contracts.operator import FreeRoundsCampaign, GrantFreeRoundsRequest
from contracts.provider import FreeRoundsCancel, FreeRoundsGrant

log = logging.getLogger(__name__)


async def grant(
    database: Database,
    providers: ProviderLinks,
    casino_code: str,
    request: GrantFreeRoundsRequest,
    campaign_id: uuid.UUID,
    granted_by: str,
    correlation_id: str | None = None,
) -> FreeRoundsCampaign:
    """Store the campaign and register it with the game's provider; the campaign, active."""
    stored = await store.record_grant(database, request, campaign_id, granted_by)
    campaign = stored.campaign
    if campaign.cancelled_at is not None or campaign.provider_registered_at is not None:
        return stored.view()  # a grant decided before (a redelivered command)
    try:
        client = await providers.client_for(stored.provider_id)
        await client.register_free_rounds(
            FreeRoundsGrant(
                casino_code=casino_code,
                campaign_id=str(campaign.id),
                player_id=str(campaign.user_id),
                game_id=stored.provider_game_code,
                currency=campaign.currency,
                rounds=campaign.rounds,
                bet_amount=campaign.bet_amount,
                expires_at=campaign.expires_at,
            ),
            correlation_id,
        )
    except LobbyError as failure:
        log.warning(
            "a free-round campaign could not be registered; it is cancelled",
            extra={"campaign_id": str(campaign.id), "correlation_id": correlation_id},
        )
        await store.cancel(database, campaign.id)
        await _tell_cancelled(database, providers, casino_code, stored, correlation_id)
        raise LobbyError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"{failure.message}. Campaign {campaign.id} was not registered and is "
            "cancelled: none of its rounds can be played; grant again",
        ) from failure
    return (await store.mark_registered(database, campaign.id)).view()


async def cancel(
    database: Database,
    providers: ProviderLinks,
    casino_code: str,
    campaign_id: uuid.UUID,
    correlation_id: str | None = None,
) -> FreeRoundsCampaign:
    """Cancel the campaign at the casino, then at its provider; the campaign after it."""
    stored = await store.cancel(database, campaign_id)
    if stored.campaign.provider_cancelled_at is not None:
        return stored.view()
    if not await _tell_cancelled(database, providers, casino_code, stored, correlation_id):
        raise LobbyError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"Campaign {campaign_id} is cancelled at the casino (its free bets are refused),"
            " but its provider could not be told: cancel again to tell it",
        )
    return (await store.read(database, campaign_id)).view()


async def _tell_cancelled(
    database: Database,
    providers: ProviderLinks,
    casino_code: str,
    stored: StoredCampaign,
    correlation_id: str | None,
) -> bool:
    """Tell the provider the campaign is withdrawn; whether it acknowledged."""
    try:
        client = await providers.client_for(stored.provider_id)
        await client.cancel_free_rounds(
            FreeRoundsCancel(casino_code=casino_code, campaign_id=str(stored.campaign.id)),
            correlation_id,
        )
    except LobbyError as failure:
        log.warning(
            "the provider could not be told of a cancelled free-round campaign: %s",
            failure.message,
            extra={"campaign_id": str(stored.campaign.id), "correlation_id": correlation_id},
        )
        return False
    await store.mark_provider_cancelled(database, stored.campaign.id)
    return True
