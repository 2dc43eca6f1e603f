"""Free-round campaigns: what a casino registers with us, and the rounds we play of them.

A casino grants its player free rounds at one of our games and registers the campaign
here (`POST /provider/freeRounds`), under its own campaignId; it may withdraw it
(`POST /provider/freeRounds/cancel`). Both are idempotent:

- registering a campaignId again with the same terms answers the campaign as it stands;
  with other terms it is refused (409 DUPLICATE_TRANSACTION): a campaignId names one
  grant for ever, as a transactionId names one call;
- cancelling again answers `cancelled`; cancelling a campaignId we never held answers
  success with status `unknown` (there is nothing to withdraw, and nothing of it will be
  played here).

We play a free round only of a campaign we hold for that casino, player and game, that
is neither cancelled nor expired and has rounds left. A round is taken (counted) before
its debit is sent, under the campaign row's lock, so racing free rounds never pass the
grant; a debit the casino refuses gives its round back. The casino's wallet decides too
(FREE_ROUNDS_EXHAUSTED / FREE_ROUNDS_EXPIRED): our count only keeps us from asking for
rounds the player does not have.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.errors import ErrorCode
from contracts.provider import (
    CampaignStatus,
    FreeRoundsCancel,
    FreeRoundsGrant,
    FreeRoundsReply,
)
from provider.database import SessionFactory
from provider.errors import ProviderError
from provider.kinds import CampaignState
from provider.models import FreeRoundCampaign, PlayerSession
from provider.sessions import find_active_game, find_casino, player_of
from provider.settling import through_outage


class CampaignConflictError(ProviderError):
    """Raised when a campaignId is registered again with other terms."""

    code = ErrorCode.DUPLICATE_TRANSACTION


@dataclass(frozen=True)
class FreeRoundRefusal:
    """Why a free round cannot be played: its code and a message for the round's report."""

    code: ErrorCode
    error: str


async def register(db: AsyncSession, grant: FreeRoundsGrant) -> FreeRoundsReply:
    """Hold the campaign (once), and answer it as it stands."""
    casino = await find_casino(db, grant.casino_code)
    game = await find_active_game(db, grant.game_id)
    player = await player_of(db, casino, grant.player_id)
    terms = {
        "casino_user_id": player.id,
        "game_id": game.id,
        "currency": grant.currency,
        "rounds": grant.rounds,
        "bet_amount": grant.bet_amount,
        "expires_at": grant.expires_at,
    }
    await db.execute(
        insert(FreeRoundCampaign)
        .values(casino_id=casino.id, campaign_id=grant.campaign_id, **terms)
        .on_conflict_do_nothing()
    )
    campaign = await _campaign(db, casino.id, grant.campaign_id)
    assert campaign is not None, "inserted above, or there before"
    if {name: getattr(campaign, name) for name in terms} != terms:
        raise CampaignConflictError(
            f"campaignId {grant.campaign_id!r} is already registered with other terms"
        )
    await db.commit()
    return _reply(campaign, datetime.now(UTC))


async def cancel(db: AsyncSession, request: FreeRoundsCancel) -> FreeRoundsReply:
    """Withdraw the campaign (the first cancellation's time is kept)."""
    casino = await find_casino(db, request.casino_code)
    now = datetime.now(UTC)
    await db.execute(
        update(FreeRoundCampaign)
        .where(
            FreeRoundCampaign.casino_id == casino.id,
            FreeRoundCampaign.campaign_id == request.campaign_id,
            FreeRoundCampaign.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )
    campaign = await _campaign(db, casino.id, request.campaign_id)
    await db.commit()
    if campaign is None:
        return FreeRoundsReply(campaign_id=request.campaign_id, status="unknown")
    return _reply(campaign, now)


def state_of(campaign: FreeRoundCampaign, now: datetime) -> CampaignState:
    if campaign.cancelled_at is not None:
        return CampaignState.CANCELLED
    if campaign.expires_at <= now:
        return CampaignState.EXPIRED
    if campaign.rounds_played >= campaign.rounds:
        return CampaignState.EXHAUSTED
    return CampaignState.ACTIVE


async def take_round(
    db: AsyncSession, session: PlayerSession, campaign_id: str
) -> FreeRoundCampaign | FreeRoundRefusal:
    """Count one round of the campaign for this session's player and game, and commit;
    or say why none may be played (nothing counted)."""
    campaign = await db.scalar(
        select(FreeRoundCampaign)
        .where(
            FreeRoundCampaign.casino_id == session.casino_id,
            FreeRoundCampaign.campaign_id == campaign_id,
        )
        .with_for_update()
    )
    mine = campaign is not None and (
        campaign.casino_user_id == session.casino_user_id and campaign.game_id == session.game_id
    )
    if campaign is None or not mine:
        await db.rollback()
        return FreeRoundRefusal(
            ErrorCode.FREE_ROUNDS_NOT_FOUND,
            f"no free-round campaign {campaign_id!r} for this player at this game",
        )
    state = state_of(campaign, datetime.now(UTC))
    if state is not CampaignState.ACTIVE:
        await db.rollback()
        code = (
            ErrorCode.FREE_ROUNDS_EXHAUSTED
            if state is CampaignState.EXHAUSTED
            else ErrorCode.FREE_ROUNDS_EXPIRED
        )
        return FreeRoundRefusal(code, f"free-round campaign {campaign_id!r} is {state.value}")
    campaign.rounds_played += 1
    await db.commit()
    return campaign


async def give_back_round(sessions: SessionFactory, campaign: FreeRoundCampaign) -> None:
    """Uncount a round whose debit the casino refused: it was not played."""

    async def give_back() -> None:
        async with sessions() as db:
            await db.execute(
                update(FreeRoundCampaign)
                .where(FreeRoundCampaign.id == campaign.id, FreeRoundCampaign.rounds_played > 0)
                .values(rounds_played=FreeRoundCampaign.rounds_played - 1)
            )
            await db.commit()

    await through_outage(give_back, f"give back a round of campaign {campaign.campaign_id}")


async def _campaign(
    db: AsyncSession, casino_id: object, campaign_id: str
) -> FreeRoundCampaign | None:
    found: FreeRoundCampaign | None = await db.scalar(
        select(FreeRoundCampaign)
        .where(
            FreeRoundCampaign.casino_id == casino_id,
            FreeRoundCampaign.campaign_id == campaign_id,
        )
        .execution_options(populate_existing=True)
    )
    return found


_STATUS: dict[CampaignState, CampaignStatus] = {
    CampaignState.ACTIVE: "active",
    CampaignState.EXHAUSTED: "exhausted",
    CampaignState.EXPIRED: "expired",
    CampaignState.CANCELLED: "cancelled",
}


def _reply(campaign: FreeRoundCampaign, now: datetime) -> FreeRoundsReply:
    return FreeRoundsReply(
        campaign_id=campaign.campaign_id,
        status=_STATUS[state_of(campaign, now)],
        rounds=campaign.rounds,
        rounds_played=campaign.rounds_played,
        expires_at=campaign.expires_at,
    )
