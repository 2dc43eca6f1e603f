"""The lobby's reads and writes of the casino database, beyond opening and ending a session
(`casino.sessions` does those): whether a launch may be played (the player exists and is
not excluded, the game and its provider are playable, the currency is supported), the
player's wallet for it, the provider's session id, and the balance after a round.

Each function is one short database transaction. None is held open across a call to the
provider, so a slow provider never keeps rows locked or a pooled connection busy.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.currencies.catalogue import supported_currency
from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.models import Game, GameProvider, GameSession, PlayerExclusion, User, Wallet
from contracts.errors import ErrorCode


@dataclass(frozen=True)
class PlayableGame:
    """What the provider is told at launch (its code for the game, and the wallet), and
    which provider that is."""

    provider_id: uuid.UUID
    provider_game_code: str
    balance: int
    currency: str


async def check_launch(
    database: Database, user_id: uuid.UUID, game_id: uuid.UUID, currency: str
) -> PlayableGame:
    """Refuse an unknown or excluded player, an unknown or inactive game, a disabled
    provider or a currency the casino does not support; give the player a wallet in
    `currency` (empty) on their first game in it."""
    async with database.begin() as db:
        if await db.get(User, user_id) is None:
            raise LobbyError(ErrorCode.USER_NOT_FOUND)
        if await _is_excluded(db, user_id):
            raise LobbyError(ErrorCode.PLAYER_EXCLUDED)
        found = (
            await db.execute(
                select(Game, GameProvider)
                .join(GameProvider, Game.provider_id == GameProvider.id)
                .where(Game.id == game_id)
            )
        ).one_or_none()
        if found is None:
            raise LobbyError(ErrorCode.GAME_NOT_FOUND)
        game, provider = found
        if not game.is_active:
            raise LobbyError(ErrorCode.GAME_INACTIVE)
        if not provider.is_enabled:
            raise LobbyError(ErrorCode.PROVIDER_DISABLED)
        if await supported_currency(db, currency) is None:
            raise LobbyError(
                ErrorCode.UNSUPPORTED_CURRENCY,
                f"The casino does not take this currency: {currency}",
            )
        wallet = await _wallet_of(db, user_id, currency)
        return PlayableGame(provider.id, game.provider_game_code, wallet.balance, wallet.currency)


async def _is_excluded(db: AsyncSession, user_id: uuid.UUID) -> bool:
    """Whether the player is excluded now: for ever (`until` NULL) or until a later moment.
    (The wallet refuses an excluded player's bets on its own, whatever the session.)"""
    excluded = await db.scalar(
        select(PlayerExclusion.user_id).where(
            PlayerExclusion.user_id == user_id,
            or_(PlayerExclusion.until.is_(None), PlayerExclusion.until > func.now()),
        )
    )
    return excluded is not None


async def _wallet_of(db: AsyncSession, user_id: uuid.UUID, currency: str) -> Wallet:
    """The player's wallet in `currency`. Two first launches at once both insert; the
    UNIQUE (user_id, currency) lets one win and the other read its row."""
    await db.execute(
        insert(Wallet)
        .values(id=uuid.uuid4(), user_id=user_id, currency=currency, balance=0, opening_balance=0)
        .on_conflict_do_nothing(index_elements=[Wallet.user_id, Wallet.currency])
    )
    return (
        await db.execute(
            select(Wallet).where(Wallet.user_id == user_id, Wallet.currency == currency)
        )
    ).scalar_one()


async def record_provider_session(
    database: Database, session_id: uuid.UUID, provider_session_id: str
) -> None:
    async with database.begin() as db:
        await db.execute(
            update(GameSession)
            .where(GameSession.id == session_id)
            .values(provider_session_id=provider_session_id)
        )


async def wallet_balance(database: Database, wallet_id: uuid.UUID) -> int:
    async with database.begin() as db:
        return (await db.execute(select(Wallet.balance).where(Wallet.id == wallet_id))).scalar_one()
