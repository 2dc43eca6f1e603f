"""Opening and ending game sessions directly in the database.

The lobby opens sessions as part of launchGame (with its checks and the provider call);
these helpers are the bare operation, for tests and operator tooling that need a session
on a player's wallet without a provider in the loop.
"""

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, update

from casino.database import Database
from casino.models import GameSession, Wallet
from casino.vocabulary import SessionStatus

# 32 random bytes, URL-safe: the token the provider quotes back; nobody can guess it.
TOKEN_BYTES = 32


class NoWalletError(LookupError):
    """Raised when the player has no wallet in the currency a session is asked for."""


@dataclass(frozen=True)
class OpenedSession:
    session_id: uuid.UUID
    token: str
    wallet_id: uuid.UUID


async def open_session(
    database: Database, user_id: uuid.UUID, game_id: uuid.UUID, currency: str = "USD"
) -> OpenedSession:
    """An active session of `user_id` at `game_id`, paying from their `currency` wallet."""
    async with database.begin() as db:
        wallet_id = await db.scalar(
            select(Wallet.id).where(Wallet.user_id == user_id, Wallet.currency == currency)
        )
        if wallet_id is None:
            raise NoWalletError(f"user {user_id} has no {currency} wallet")
        session = GameSession(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            user_id=user_id,
            wallet_id=wallet_id,
            game_id=game_id,
            status=SessionStatus.ACTIVE,
        )
        db.add(session)
        await db.flush()
        return OpenedSession(session.id, session.token, wallet_id)


async def end_session(database: Database, session_id: uuid.UUID) -> None:
    """End the session: no more bets; payouts and refunds for it are still accepted."""
    async with database.begin() as db:
        await db.execute(
            update(GameSession)
            .where(GameSession.id == session_id, GameSession.status == SessionStatus.ACTIVE)
            .values(status=SessionStatus.ENDED, ended_at=func.now())
        )
