"""What the players' pages read: finding a player, and one player's wallets, game
sessions and recent rounds. Reads only, each in one short transaction.

A wallet's recent rounds are found by walking back its ledger's chain from its newest
row (each row names the one before it: one primary-key probe a row), not by scanning the
rounds: the ledger has no index by wallet, and needs none for this.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from casino.database import Database

SEARCH_LIMIT = 50
SESSIONS_SHOWN = 20
LEDGER_ROWS_WALKED = 200
ROUNDS_SHOWN = 30
_LIKE_SPECIALS = re.compile(r"([\\%_])")


@dataclass(frozen=True)
class PlayerRow:
    user_id: uuid.UUID
    email: str
    display_name: str
    created_at: dt.datetime


@dataclass(frozen=True)
class WalletRow:
    wallet_id: uuid.UUID
    currency: str
    balance: int
    created_at: dt.datetime


@dataclass(frozen=True)
class SessionRow:
    id: uuid.UUID
    currency: str
    game: str
    provider_code: str
    status: str
    created_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class RoundRow:
    provider_code: str
    round_id: str
    currency: str
    status: str
    opened_at: dt.datetime | None
    ended_at: dt.datetime | None
    last_at: dt.datetime


@dataclass(frozen=True)
class PlayerFile:
    player: PlayerRow
    wallets: list[WalletRow]
    sessions: list[SessionRow]
    rounds: list[RoundRow]


_PLAYER_COLUMNS = "SELECT id, email, display_name, created_at FROM casino_users"

_SESSIONS = """
SELECT s.id, w.currency, g.name AS game, p.code AS provider_code, s.status, s.created_at,
       s.ended_at
FROM casino_game_sessions AS s
JOIN casino_wallets AS w ON w.id = s.wallet_id
JOIN casino_games AS g ON g.id = s.game_id
JOIN casino_game_providers AS p ON p.id = g.provider_id
WHERE s.wallet_id = ANY(:wallets)
ORDER BY s.created_at DESC
LIMIT :limit
"""

_ROUNDS = """
WITH RECURSIVE chain (id, previous_id, depth) AS (
    SELECT t.id, t.previous_id, 1
    FROM casino_wallets AS w JOIN casino_transactions AS t ON t.id = w.last_transaction_id
    WHERE w.id = :wallet_id
    UNION ALL
    SELECT t.id, t.previous_id, c.depth + 1
    FROM chain AS c JOIN casino_transactions AS t ON t.id = c.previous_id
    WHERE c.depth < :walked
),
played AS (
    SELECT t.provider_id, t.round_id, max(t.created_at) AS last_at
    FROM chain JOIN casino_transactions AS t ON t.id = chain.id
    WHERE t.round_id IS NOT NULL
    GROUP BY t.provider_id, t.round_id
)
SELECT p.code AS provider_code, played.round_id, r.status, r.opened_at, r.ended_at,
       played.last_at
FROM played
JOIN casino_game_providers AS p ON p.id = played.provider_id
LEFT JOIN casino_rounds AS r
  ON r.provider_id = played.provider_id AND r.round_id = played.round_id
 AND r.wallet_id = :wallet_id
ORDER BY played.last_at DESC
LIMIT :limit
"""


async def find_players(database: Database, query: str) -> list[PlayerRow]:
    """Players by id (exact), by email (exact, or the start of it, any case); the newest
    players when `query` is empty."""
    query = query.strip()
    async with database() as db:
        if not query:
            rows = await db.execute(
                text(f"{_PLAYER_COLUMNS} ORDER BY created_at DESC LIMIT :limit"),
                {"limit": SEARCH_LIMIT},
            )
        elif (user_id := _uuid(query)) is not None:
            rows = await db.execute(text(f"{_PLAYER_COLUMNS} WHERE id = :id"), {"id": user_id})
        else:
            rows = await db.execute(
                text(
                    f"{_PLAYER_COLUMNS} WHERE lower(email) = lower(:email)"
                    " OR email ILIKE :prefix ESCAPE '\\' ORDER BY email LIMIT :limit"
                ),
                {
                    "email": query,
                    "prefix": _LIKE_SPECIALS.sub(r"\\\1", query) + "%",
                    "limit": SEARCH_LIMIT,
                },
            )
        return [PlayerRow(*row) for row in rows]


async def player_file(database: Database, user_id: uuid.UUID) -> PlayerFile | None:
    """The player, their wallets, recent sessions and recent rounds; None if unknown."""
    async with database() as db:
        found = (
            await db.execute(text(f"{_PLAYER_COLUMNS} WHERE id = :id"), {"id": user_id})
        ).first()
        if found is None:
            return None
        wallets = [
            WalletRow(*row)
            for row in await db.execute(
                text(
                    "SELECT id, currency, balance, created_at FROM casino_wallets"
                    " WHERE user_id = :id ORDER BY currency"
                ),
                {"id": user_id},
            )
        ]
        sessions = [
            SessionRow(*row)
            for row in await db.execute(
                text(_SESSIONS),
                {"wallets": [w.wallet_id for w in wallets], "limit": SESSIONS_SHOWN},
            )
        ]
        rounds: list[RoundRow] = []
        for wallet in wallets:
            rounds += [
                _round(row, wallet.currency)
                for row in await db.execute(
                    text(_ROUNDS),
                    {
                        "wallet_id": wallet.wallet_id,
                        "walked": LEDGER_ROWS_WALKED,
                        "limit": ROUNDS_SHOWN,
                    },
                )
            ]
    rounds.sort(key=lambda r: r.last_at, reverse=True)
    return PlayerFile(PlayerRow(*found), wallets, sessions, rounds[:ROUNDS_SHOWN])


def _round(row: Any, currency: str) -> RoundRow:
    return RoundRow(
        row.provider_code,
        row.round_id,
        currency,
        row.status or "open",
        row.opened_at,
        row.ended_at,
        row.last_at,
    )


def _uuid(text_: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text_)
    except ValueError:
        return None
