"""The provider's record of rounds and of every money call made in them.

A call's row is written with a fresh transactionId and status `pending`, and committed,
*before* the call is sent: if we crash mid-call, the row still names the transactionId
that may have moved money, so it is never forgotten (a `pending` row is exactly that).
Once the casino has answered, or the retries are spent, the row gets the outcome, the
casino's last reply and the number of attempts. Those writes, and closing a round, are
retried through a database outage (`provider.settling`).
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from provider.database import SessionFactory
from provider.kinds import BetType, RoundStatus
from provider.models import Bet, GameRound, PlayerSession
from provider.outcomes import CallOutcome
from provider.settling import through_outage


async def open_round(sessions: SessionFactory, session: PlayerSession) -> GameRound:
    async with sessions() as db:
        game_round = GameRound(session_id=session.id, game_id=session.game_id)
        db.add(game_round)
        await db.commit()
        return game_round


async def close_round(sessions: SessionFactory, round_id: uuid.UUID) -> None:
    async def close() -> None:
        async with sessions() as db:
            await db.execute(
                update(GameRound)
                .where(GameRound.id == round_id)
                .values(status=RoundStatus.CLOSED.value, closed_at=datetime.now(UTC))
            )
            await db.commit()

    await through_outage(close, f"close round {round_id}")


async def record_call(
    sessions: SessionFactory,
    round_id: uuid.UUID,
    bet_type: BetType,
    amount: int | None,
    related: Bet | None = None,
    reason: str | None = None,
) -> Bet:
    """A committed, pending row for a call about to be made, with its own transactionId.

    The ids are chosen once and the insert is idempotent, so it is retried through a
    database outage: a commit whose answer was lost must not leave a pending row behind
    for a call that is then never sent."""
    values = {
        "id": uuid.uuid4(),
        "round_id": round_id,
        "type": bet_type.value,
        "transaction_id": f"{bet_type.value}-{uuid.uuid4()}",
        "amount": amount,
        "related_bet_id": related.id if related else None,
        "reason": reason,
    }

    async def write() -> None:
        async with sessions() as db:
            await db.execute(insert(Bet).values(**values).on_conflict_do_nothing())
            await db.commit()

    await through_outage(write, f"call {values['transaction_id']}")
    return Bet(**values)


async def record_outcome(sessions: SessionFactory, bet: Bet, outcome: CallOutcome) -> None:
    async def record() -> None:
        async with sessions() as db:
            await db.execute(
                update(Bet)
                .where(Bet.id == bet.id)
                .values(
                    status=outcome.status.value,
                    error_code=outcome.code,
                    casino_reply=outcome.reply,
                    balance_after=outcome.balance,
                    attempts=outcome.attempts,
                )
            )
            await db.commit()

    await through_outage(record, f"outcome of {bet.transaction_id}")
