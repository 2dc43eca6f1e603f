"""The benchmark's players: funded wallets with one active session each, made with SQL.

Written straight into the casino database (like tests/support/casino_world.py), in bulk,
so that a thousand wallets take a second, and named `<prefix><n>` (n = 1…count) so that
a pgbench script can pick a session token from a random number.
"""

from __future__ import annotations

import uuid

import asyncpg

from tests.benchmark.workload import OPENING_BALANCE
from tests.support.casino_world import CasinoWorld
from tests.support.infrastructure import plain_url


def token_of(prefix: str, number: int) -> str:
    return f"{prefix}{number}"


# Limits a bet of the mix never reaches (OPENING_BALANCE is far above any bet of it, and
# no player can lose more than their wallet held), so a run with them measures what
# judging a bet by them costs, not their refusals.
_LIMITS_NEVER_REACHED = {
    "max_bet": OPENING_BALANCE,
    "daily_loss": 2 * OPENING_BALANCE,
    "weekly_loss": 2 * OPENING_BALANCE,
    "monthly_loss": 2 * OPENING_BALANCE,
    "session_minutes": 24 * 60,
}


async def create_sessions(
    database_url: str, count: int, prefix: str, *, with_limits: bool = False
) -> list[str]:
    """`count` players, each with a wallet of OPENING_BALANCE and an active session at the
    seed's game (and, `with_limits`, every kind of limit in force); their session tokens."""
    world = await CasinoWorld.connect(database_url)
    try:
        game_id = await world.game()
    finally:
        await world.close()
    users = [(uuid.uuid4(), uuid.uuid4(), uuid.uuid4()) for _ in range(count)]
    tokens = [token_of(prefix, number) for number in range(1, count + 1)]
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        async with connection.transaction():
            await connection.executemany(
                "INSERT INTO casino_users (id, email, display_name) VALUES ($1, $2, 'Bench')",
                [(user, f"{user}@bench.example") for user, _, _ in users],
            )
            await connection.executemany(
                "INSERT INTO casino_wallets (id, user_id, currency, balance, opening_balance)"
                " VALUES ($1, $2, 'USD', $3, $3)",
                [(wallet, user, OPENING_BALANCE) for user, wallet, _ in users],
            )
            await connection.executemany(
                "INSERT INTO casino_game_sessions (id, token, user_id, wallet_id, game_id, status)"
                " VALUES ($1, $2, $3, $4, $5, 'active')",
                [
                    (session, token, user, wallet, game_id)
                    for (user, wallet, session), token in zip(users, tokens, strict=True)
                ],
            )
            if with_limits:
                await connection.executemany(
                    "INSERT INTO casino_player_limits (user_id, currency, kind, value,"
                    " applies_at) VALUES ($1, 'USD', $2, $3, now() - interval '1 day')",
                    [
                        (user, kind, value)
                        for user, _, _ in users
                        for kind, value in _LIMITS_NEVER_REACHED.items()
                    ],
                )
    finally:
        await connection.close()
    return tokens
