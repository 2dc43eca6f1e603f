"""The lobby's side of the casino tables: checking a launch, opening a game session for it,
and closing the session again.

Each function is one short database transaction. None is held open across a call to the
provider, so a slow provider never keeps rows locked or a pooled connection busy.
"""

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.database import SessionFactory
from casino.kinds import SessionStatus
from casino.lobby.errors import LobbyError
from casino.models import Game, GameProvider, GameSession, User, Wallet
from contracts.errors import ErrorCode

# 32 random bytes: a token the provider quotes back, and nobody can guess.
TOKEN_BYTES = 32


@dataclass(frozen=True)
class OpenedSession:
    """A game session just opened, with what the provider must be told about it."""

    session_id: uuid.UUID
    token: str
    wallet_id: uuid.UUID
    balance: int
    currency: str
    provider_game_code: str


async def open_game_session(
    sessions: SessionFactory, user_id: uuid.UUID, game_id: uuid.UUID, currency: str
) -> OpenedSession:
    """Check the player, the game and its provider; open a session on the player's wallet
    in `currency`, creating the wallet (empty) on the player's first game in it."""
    async with sessions.begin() as db:
        if await db.get(User, user_id) is None:
            raise LobbyError(ErrorCode.USER_NOT_FOUND)
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
        wallet = await _wallet_of(db, user_id, currency)
        session = GameSession(
            id=uuid.uuid4(),
            token=secrets.token_urlsafe(TOKEN_BYTES),
            user_id=user_id,
            wallet_id=wallet.id,
            game_id=game.id,
            status=SessionStatus.ACTIVE.value,
        )
        db.add(session)
        return OpenedSession(
            session_id=session.id,
            token=session.token,
            wallet_id=wallet.id,
            balance=wallet.balance,
            currency=wallet.currency,
            provider_game_code=game.provider_game_code,
        )


async def _wallet_of(db: AsyncSession, user_id: uuid.UUID, currency: str) -> Wallet:
    """The player's wallet in `currency`. Two first launches at once both insert; the
    UNIQUE (user_id, currency) lets one win and the other read its row."""
    await db.execute(
        insert(Wallet)
        .values(id=uuid.uuid4(), user_id=user_id, currency=currency, balance=0)
        .on_conflict_do_nothing(index_elements=[Wallet.user_id, Wallet.currency])
    )
    return (
        await db.execute(
            select(Wallet).where(Wallet.user_id == user_id, Wallet.currency == currency)
        )
    ).scalar_one()


async def record_provider_session(
    sessions: SessionFactory, session_id: uuid.UUID, provider_session_id: str
) -> None:
    async with sessions.begin() as db:
        await db.execute(
            update(GameSession)
            .where(GameSession.id == session_id)
            .values(provider_session_id=provider_session_id)
        )


async def end_game_session(sessions: SessionFactory, session_id: uuid.UUID) -> None:
    """End the session: no more bets on it, while its payouts and refunds still land."""
    async with sessions.begin() as db:
        await db.execute(
            update(GameSession)
            .where(GameSession.id == session_id, GameSession.status == SessionStatus.ACTIVE.value)
            .values(status=SessionStatus.ENDED.value, ended_at=func.now())
        )


async def wallet_balance(sessions: SessionFactory, wallet_id: uuid.UUID) -> int:
    async with sessions.begin() as db:
        return (await db.execute(select(Wallet.balance).where(Wallet.id == wallet_id))).scalar_one()
