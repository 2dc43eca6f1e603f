"""Free-round campaigns in the casino database: recording a grant after checking it,
cancelling, acknowledging the provider's answers, and reading campaigns as the wire shows
them.

Each function is one short transaction; none is held open across a call to a provider.
The wallet counts a campaign's rounds (`rounds_used`) under its own lock; nothing here
writes that column.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.currencies.catalogue import supported_currency
from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.models import FreeRoundCampaign, Game, GameProvider, PlayerExclusion, User, Wallet
from casino.protection.players import clock
from contracts.errors import ErrorCode
from contracts.operator import CampaignStatus, FreeRoundsCampaign, GrantFreeRoundsRequest


@dataclass(frozen=True)
class StoredCampaign:
    """A campaign, and what the provider calls about it need: who its provider is and
    its code for the game."""

    campaign: FreeRoundCampaign
    provider_id: uuid.UUID
    provider_game_code: str
    now: dt.datetime

    def view(self) -> FreeRoundsCampaign:
        return view(self.campaign, self.now)


def status_of(campaign: FreeRoundCampaign, now: dt.datetime) -> CampaignStatus:
    """What the campaign is now; a withdrawal or expiry outranks the rounds played."""
    if campaign.cancelled_at is not None:
        return "cancelled"
    if now >= campaign.expires_at:
        return "expired"
    if campaign.rounds_used >= campaign.rounds:
        return "exhausted"
    if campaign.provider_registered_at is None:
        return "unregistered"
    return "active"


def view(campaign: FreeRoundCampaign, now: dt.datetime) -> FreeRoundsCampaign:
    return FreeRoundsCampaign(
        campaign_id=campaign.id,
        user_id=campaign.user_id,
        game_id=campaign.game_id,
        currency=campaign.currency,
        rounds=campaign.rounds,
        rounds_used=campaign.rounds_used,
        bet_amount=campaign.bet_amount,
        expires_at=campaign.expires_at,
        status=status_of(campaign, now),
        created_at=campaign.created_at,
        cancelled_at=campaign.cancelled_at,
        provider_registered_at=campaign.provider_registered_at,
        provider_cancelled_at=campaign.provider_cancelled_at,
        granted_by=campaign.granted_by,
    )


async def record_grant(
    database: Database, request: GrantFreeRoundsRequest, campaign_id: uuid.UUID, granted_by: str
) -> StoredCampaign:
    """Check the grant and store it, not yet registered with the provider. The same
    `campaign_id` again (a redelivered command) finds the campaign already stored."""
    async with database.begin() as db:
        now = await clock(db)
        existing = await db.get(FreeRoundCampaign, campaign_id)
        if existing is not None:
            return await _stored(db, existing, now, same_as=request)
        game, provider = await _playable_game(db, request)
        if request.expires_at <= now:
            raise LobbyError(ErrorCode.INVALID_REQUEST, "expiresAt: must be in the future")
        wallet_id = await _wallet_of(db, request.user_id, request.currency)
        await db.execute(
            insert(FreeRoundCampaign)
            .values(
                id=campaign_id,
                user_id=request.user_id,
                wallet_id=wallet_id,
                game_id=game.id,
                currency=request.currency,
                rounds=request.rounds,
                bet_amount=request.bet_amount,
                expires_at=request.expires_at,
                granted_by=granted_by,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[FreeRoundCampaign.id])
        )
        stored = await db.get(FreeRoundCampaign, campaign_id, populate_existing=True)
        assert stored is not None
        return StoredCampaign(stored, provider.id, game.provider_game_code, now)


async def mark_registered(database: Database, campaign_id: uuid.UUID) -> StoredCampaign:
    """The provider acknowledged the grant."""
    return await _stamp(
        database,
        campaign_id,
        provider_registered_at=func.coalesce(
            FreeRoundCampaign.provider_registered_at, func.clock_timestamp()
        ),
    )


async def cancel(database: Database, campaign_id: uuid.UUID) -> StoredCampaign:
    """Withdraw the campaign at the casino: from now on the wallet refuses its free bets
    (FREE_ROUNDS_EXPIRED). Cancelling again keeps the first moment."""
    return await _stamp(
        database,
        campaign_id,
        cancelled_at=func.coalesce(FreeRoundCampaign.cancelled_at, func.clock_timestamp()),
    )


async def mark_provider_cancelled(database: Database, campaign_id: uuid.UUID) -> StoredCampaign:
    """The provider acknowledged the cancellation."""
    return await _stamp(
        database,
        campaign_id,
        provider_cancelled_at=func.coalesce(
            FreeRoundCampaign.provider_cancelled_at, func.clock_timestamp()
        ),
    )


async def read(database: Database, campaign_id: uuid.UUID) -> StoredCampaign:
    async with database.begin() as db:
        campaign = await db.get(FreeRoundCampaign, campaign_id)
        if campaign is None:
            raise _not_found(campaign_id)
        return await _stored(db, campaign, await clock(db))


async def campaigns_of(database: Database, user_id: uuid.UUID) -> list[FreeRoundsCampaign]:
    """Every campaign of the player, the newest first."""
    async with database.begin() as db:
        if await db.get(User, user_id) is None:
            raise LobbyError(ErrorCode.USER_NOT_FOUND)
        now = await clock(db)
        rows = await db.execute(
            select(FreeRoundCampaign)
            .where(FreeRoundCampaign.user_id == user_id)
            .order_by(FreeRoundCampaign.created_at.desc(), FreeRoundCampaign.id)
        )
        return [view(campaign, now) for campaign in rows.scalars()]


async def _stamp(database: Database, campaign_id: uuid.UUID, **values: object) -> StoredCampaign:
    async with database.begin() as db:
        found = await db.scalar(
            update(FreeRoundCampaign)
            .where(FreeRoundCampaign.id == campaign_id)
            .values(**values)
            .returning(FreeRoundCampaign.id)
        )
        if found is None:
            raise _not_found(campaign_id)
        campaign = await db.get(FreeRoundCampaign, campaign_id, populate_existing=True)
        assert campaign is not None
        return await _stored(db, campaign, await clock(db))


async def _stored(
    db: AsyncSession,
    campaign: FreeRoundCampaign,
    now: dt.datetime,
    same_as: GrantFreeRoundsRequest | None = None,
) -> StoredCampaign:
    if same_as is not None and _terms(campaign) != (
        same_as.user_id,
        same_as.game_id,
        same_as.currency,
        same_as.rounds,
        same_as.bet_amount,
        same_as.expires_at,
    ):
        raise LobbyError(
            ErrorCode.DUPLICATE_TRANSACTION,
            f"Campaign {campaign.id} was already granted with other terms",
        )
    game = await db.get(Game, campaign.game_id)
    assert game is not None  # a foreign key
    return StoredCampaign(campaign, game.provider_id, game.provider_game_code, now)


def _terms(campaign: FreeRoundCampaign) -> tuple[object, ...]:
    return (
        campaign.user_id,
        campaign.game_id,
        campaign.currency,
        campaign.rounds,
        campaign.bet_amount,
        campaign.expires_at,
    )


async def _playable_game(
    db: AsyncSession, request: GrantFreeRoundsRequest
) -> tuple[Game, GameProvider]:
    """Refuse an unknown player, an excluded one, an unknown or inactive game, a disabled
    provider or an unsupported currency, as a launch would: free rounds are play."""
    if await db.get(User, request.user_id) is None:
        raise LobbyError(ErrorCode.USER_NOT_FOUND)
    found = (
        await db.execute(
            select(Game, GameProvider)
            .join(GameProvider, Game.provider_id == GameProvider.id)
            .where(Game.id == request.game_id)
        )
    ).one_or_none()
    if found is None:
        raise LobbyError(ErrorCode.GAME_NOT_FOUND)
    game, provider = found
    if not game.is_active:
        raise LobbyError(ErrorCode.GAME_INACTIVE)
    if not provider.is_enabled:
        raise LobbyError(ErrorCode.PROVIDER_DISABLED)
    if await supported_currency(db, request.currency) is None:
        raise LobbyError(
            ErrorCode.UNSUPPORTED_CURRENCY,
            f"The casino does not take this currency: {request.currency}",
        )
    exclusion = await db.get(PlayerExclusion, request.user_id)
    if exclusion is not None and (exclusion.until is None or exclusion.until > await clock(db)):
        raise LobbyError(
            ErrorCode.PLAYER_EXCLUDED, "The player is excluded from play: no free rounds"
        )
    return game, provider


async def _wallet_of(db: AsyncSession, user_id: uuid.UUID, currency: str) -> uuid.UUID:
    """The player's wallet in `currency`, made empty if they have none yet (as their
    first launch in it would): a free round's wins are paid into it."""
    await db.execute(
        insert(Wallet)
        .values(id=uuid.uuid4(), user_id=user_id, currency=currency, balance=0, opening_balance=0)
        .on_conflict_do_nothing(index_elements=[Wallet.user_id, Wallet.currency])
    )
    wallet_id: uuid.UUID = (
        await db.execute(
            select(Wallet.id).where(Wallet.user_id == user_id, Wallet.currency == currency)
        )
    ).scalar_one()
    return wallet_id


def _not_found(campaign_id: uuid.UUID) -> LobbyError:
    return LobbyError(ErrorCode.FREE_ROUNDS_NOT_FOUND, f"No free-round campaign {campaign_id}")
