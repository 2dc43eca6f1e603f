"""A round's row: opened when play starts, closed once none of its calls is pending.

The round being played closes itself at its end, unless a call of it is still pending
(the retry queue then closes it with its last call); the queue also closes the rounds a
dead process abandoned between two calls. Closing is an idempotent UPDATE, retried
through a database outage (`provider.settling`).
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import exists, text, update

from provider.database import SessionFactory
from provider.kinds import BetStatus, RoundStatus
from provider.models import Bet, GameRound, PlayerSession
from provider.settling import through_outage

CLOSE_ABANDONED_ROUNDS = text("""
UPDATE provider_game_rounds AS r SET status = 'closed', closed_at = now()
WHERE r.status = 'open' AND r.created_at < now() - make_interval(secs => :idle)
  AND NOT EXISTS (
    SELECT 1 FROM provider_bets AS b WHERE b.round_id = r.id
      AND (b.status = 'pending' OR b.updated_at > now() - make_interval(secs => :idle)))
""")


async def open_round(sessions: SessionFactory, session: PlayerSession) -> GameRound:
    async with sessions() as db:
        game_round = GameRound(session_id=session.id, game_id=session.game_id)
        db.add(game_round)
        await db.commit()
        return game_round


async def close_round_if_settled(sessions: SessionFactory, round_id: uuid.UUID) -> None:
    """Close the round unless a call of it is still pending (the retry queue closes it
    when it settles the last one)."""

    async def close() -> None:
        async with sessions() as db:
            still_pending = exists().where(
                Bet.round_id == round_id, Bet.status == BetStatus.PENDING.value
            )
            await db.execute(
                update(GameRound)
                .where(
                    GameRound.id == round_id,
                    GameRound.status == RoundStatus.OPEN.value,
                    ~still_pending,
                )
                .values(status=RoundStatus.CLOSED.value, closed_at=datetime.now(UTC))
            )
            await db.commit()

    await through_outage(close, f"close round {round_id}")


async def close_abandoned_rounds(sessions: SessionFactory, idle_seconds: float) -> int:
    """Close the open rounds nobody plays any more: no call pending, none written for
    `idle_seconds` (a process died between two calls of the round)."""
    async with sessions() as db:
        closed = await db.execute(CLOSE_ABANDONED_ROUNDS, {"idle": idle_seconds})
        await db.commit()
    return int(getattr(closed, "rowcount", 0))
