"""Players, sessions and ledger reads straight from the casino database, for tests.

Tests set the world up with plain SQL, independently of the service's code, and check
money on what is actually stored: the wallet's balance and the ledger's rows.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

import asyncpg

from tests.support.infrastructure import plain_url


@dataclass(frozen=True)
class Player:
    user_id: uuid.UUID
    wallet_id: uuid.UUID
    currency: str


@dataclass(frozen=True)
class Session:
    player: Player
    id: uuid.UUID
    token: str


class CasinoWorld:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, database_url: str) -> CasinoWorld:
        return cls(await asyncpg.create_pool(plain_url(database_url), min_size=1, max_size=4))

    async def close(self) -> None:
        await self.pool.close()

    async def game(self, provider_code: str = "demo-provider") -> uuid.UUID:
        """The id of the seed's active game of an enabled provider (made if missing)."""
        return await self.game_of(provider_code=provider_code)

    async def game_of(
        self, *, provider_code: str, active: bool = True, enabled: bool = True
    ) -> uuid.UUID:
        """A `demo-slots` game of provider `provider_code`, made if it does not exist."""
        async with self.pool.acquire() as db, db.transaction():
            provider = await db.fetchval(
                "INSERT INTO casino_game_providers (id, code, name, is_enabled)"
                " VALUES ($1, $2, $2, $3) ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code"
                " RETURNING id",
                uuid.uuid4(),
                provider_code,
                enabled,
            )
            game = await db.fetchval(
                "INSERT INTO casino_games (id, provider_id, provider_game_code, name, is_active)"
                " VALUES ($1, $2, 'demo-slots', 'Demo Slots', $3)"
                " ON CONFLICT (provider_id, provider_game_code)"
                " DO UPDATE SET name = EXCLUDED.name RETURNING id",
                uuid.uuid4(),
                provider,
                active,
            )
            return uuid.UUID(str(game))

    async def player(self, balance: int, currency: str = "USD") -> Player:
        user_id, wallet_id = uuid.uuid4(), uuid.uuid4()
        async with self.pool.acquire() as db, db.transaction():
            await db.execute(
                "INSERT INTO casino_users (id, email, display_name) VALUES ($1, $2, 'Test')",
                user_id,
                f"{user_id}@test.example",
            )
            await db.execute(
                "INSERT INTO casino_wallets (id, user_id, currency, balance, opening_balance)"
                " VALUES ($1, $2, $3, $4, $4)",
                wallet_id,
                user_id,
                currency,
                balance,
            )
        return Player(user_id, wallet_id, currency)

    async def session(self, player: Player, game_id: uuid.UUID) -> Session:
        session_id, token = uuid.uuid4(), secrets.token_urlsafe(32)
        await self.pool.execute(
            "INSERT INTO casino_game_sessions (id, token, user_id, wallet_id, game_id, status)"
            " VALUES ($1, $2, $3, $4, $5, 'active')",
            session_id,
            token,
            player.user_id,
            player.wallet_id,
            game_id,
        )
        return Session(player, session_id, token)

    async def end(self, session: Session) -> None:
        await self.pool.execute(
            "UPDATE casino_game_sessions SET status = 'ended', ended_at = now() WHERE id = $1",
            session.id,
        )

    async def balance(self, player: Player) -> int:
        return int(
            await self.pool.fetchval(
                "SELECT balance FROM casino_wallets WHERE id = $1", player.wallet_id
            )
        )

    async def ledger(self, player: Player) -> list[asyncpg.Record]:
        """The wallet's decided transactions, oldest first."""
        return list(
            await self.pool.fetch(
                "SELECT transaction_id, type, outcome, error_code, amount, balance_after,"
                " round_id, is_tombstone, original_transaction_id, reply, kind,"
                " jackpot_contribution, campaign_id, closes_round"
                " FROM casino_transactions WHERE wallet_id = $1 ORDER BY created_at, id",
                player.wallet_id,
            )
        )

    async def rows_for(self, transaction_id: str) -> int:
        return int(
            await self.pool.fetchval(
                "SELECT count(*) FROM casino_transactions WHERE transaction_id = $1",
                transaction_id,
            )
        )

    async def movement(self, player: Player) -> int:
        """What the accepted ledger rows add up to: debits out, credits and refunds in."""
        return int(
            await self.pool.fetchval(
                "SELECT coalesce(sum(CASE type WHEN 'debit' THEN -amount ELSE amount END), 0)"
                " FROM casino_transactions WHERE wallet_id = $1 AND outcome = 'accepted'",
                player.wallet_id,
            )
        )
