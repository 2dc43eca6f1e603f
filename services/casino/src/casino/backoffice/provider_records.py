"""The provider's side, read from its database (PROVIDER_DATABASE_URL) over a read-only
connection, as the ledger check reads it: its calls of one round, and the calls its retry
queue still holds pending. That database is the default provider's; another provider's
rounds have no provider view here.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PENDING_SHOWN = 200

_ROUND_CALLS = """
SELECT b.transaction_id, b.type, b.amount, b.status, b.error_code, b.kind, b.attempts,
       b.created_at, b.updated_at, r.status AS round_status
FROM provider_bets AS b JOIN provider_game_rounds AS r ON r.id = b.round_id
WHERE b.round_id::text = :round_id
ORDER BY b.created_at, b.transaction_id
"""

_PENDING = """
SELECT b.transaction_id, b.type, b.amount, b.status, b.error_code, b.kind, b.attempts,
       b.created_at, b.updated_at, r.id::text AS round_id
FROM provider_bets AS b JOIN provider_game_rounds AS r ON r.id = b.round_id
WHERE b.status = 'pending'
ORDER BY b.created_at
LIMIT :limit
"""


@dataclass(frozen=True)
class ProviderCall:
    transaction_id: str
    type: str
    amount: int | None
    status: str
    error_code: str | None
    kind: str | None
    attempts: int
    created_at: dt.datetime
    updated_at: dt.datetime
    round: str  # the round's status (a round's calls) or its id (pending calls)


async def round_calls(engine: AsyncEngine, round_id: str) -> list[ProviderCall]:
    """The provider's calls of its round `round_id`, in the order it wrote them."""
    if not _looks_like_uuid(round_id):
        return []  # the provider's round ids are UUIDs; anything else is none of its
    async with engine.connect() as db:
        return [
            ProviderCall(*row)
            for row in await db.execute(text(_ROUND_CALLS), {"round_id": round_id})
        ]


async def pending_calls(engine: AsyncEngine) -> list[ProviderCall]:
    """The calls the provider's retry queue still holds, the oldest first."""
    async with engine.connect() as db:
        return [
            ProviderCall(*row) for row in await db.execute(text(_PENDING), {"limit": PENDING_SHOWN})
        ]


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
