"""The retry queue's storage: which pending calls are due, a claim so that one process at
a time sends each, the log of every attempt, and the operator's view of and hand on it.

A claim is a lease: the claiming transaction pushes the call's `next_attempt_at` one
in-flight period ahead (`FOR UPDATE SKIP LOCKED`, so claimers never wait on each other
nor take the same row), and commits. Other processes see the call as not due until its
claimer has written the outcome, or has died and the lease has run out.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update

from provider.backoff import RetrySchedule
from provider.bets import heard, later, over_pending
from provider.database import SessionFactory
from provider.kinds import AttemptAction, BetStatus
from provider.models import Bet, CallAttempt
from provider.outcomes import CallOutcome


class QueueError(Exception):
    """Raised when an operator names a call that is not pending, or is being sent now."""


@dataclass(frozen=True)
class PendingCall:
    """One pending call as an operator sees it."""

    call: Bet
    now: datetime
    last_error: str | None

    @property
    def state(self) -> str:
        """`due` (the queue sends it next), `waiting` (for its sender or its backoff), or
        `exhausted` (the horizon has passed: an operator retries or settles it)."""
        due_at = self.call.next_attempt_at
        if due_at is None:
            return "exhausted"
        return "due" if due_at <= self.now else "waiting"

    def to_json(self) -> dict[str, Any]:
        call, due_at = self.call, self.call.next_attempt_at
        return {
            "id": str(call.id),
            "transactionId": call.transaction_id,
            "type": call.type,
            "amount": call.amount,
            "roundId": str(call.round_id),
            "writtenAt": call.created_at.isoformat(),
            "attempts": call.attempts,
            "resends": call.resends,
            "nextAttemptAt": due_at.isoformat() if due_at else None,
            "state": self.state,
            "lastError": self.last_error,
        }


async def claim_due(sessions: SessionFactory, limit: int, lease_seconds: float) -> list[Bet]:
    """Up to `limit` due calls, oldest due first, now ours for `lease_seconds`."""
    due = (
        select(Bet.id)
        .where(Bet.status == BetStatus.PENDING.value, Bet.next_attempt_at <= func.now())
        .order_by(Bet.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    async with sessions() as db:
        claimed = await db.scalars(
            update(Bet)
            .where(Bet.id.in_(due.scalar_subquery()))
            .values(next_attempt_at=later(lease_seconds))
            .returning(Bet)
            .execution_options(synchronize_session=False)
        )
        calls = list(claimed)
        await db.commit()
    return calls


async def claim(sessions: SessionFactory, reference: str, lease_seconds: float) -> Bet:
    """The pending call `reference` (its id or transactionId), due or not, now ours."""
    async with sessions() as db:
        call = await db.scalar(_named(reference).with_for_update(skip_locked=True))
        _check_pending(reference, call, await db.scalar(_named(reference)))
        assert call is not None
        call.next_attempt_at = later(lease_seconds)
        await db.commit()
        await db.refresh(call)
        return call


async def record_send(
    sessions: SessionFactory,
    call: Bet,
    outcome: CallOutcome,
    actor: str,
    schedule: RetrySchedule,
) -> datetime | None:
    """Log the send and write its outcome: final, or the time of the next resend (None:
    the horizon has passed, the call waits for an operator)."""
    async with sessions() as db:
        now = await db.scalar(select(func.now()))
        assert now is not None
        resends = call.resends + 1
        values = heard(outcome) | {"resends": Bet.resends + 1}
        next_at = None
        if outcome.status is BetStatus.UNKNOWN:
            next_at = schedule.next_attempt(call.created_at, now, resends)
        else:
            values["status"] = outcome.status.value
        await db.execute(over_pending(call.id).values(**values, next_attempt_at=next_at))
        db.add(
            CallAttempt(
                bet_id=call.id,
                action=AttemptAction.SEND.value,
                actor=actor,
                outcome=outcome.status.value,
                error_code=outcome.code,
                error=outcome.error,
                casino_attempts=outcome.attempts,
            )
        )
        await db.commit()
    return next_at


async def settle_by_hand(
    sessions: SessionFactory, reference: str, outcome: BetStatus, actor: str, reason: str
) -> Bet:
    """An operator's ruling on a pending call: its outcome from now on, and who gave it,
    when and why (logged). Nothing is sent and nothing is deleted."""
    async with sessions() as db:
        call = await db.scalar(_named(reference).with_for_update(skip_locked=True))
        _check_pending(reference, call, await db.scalar(_named(reference)))
        assert call is not None
        call.status, call.next_attempt_at = outcome.value, None
        db.add(
            CallAttempt(
                bet_id=call.id,
                action=AttemptAction.SETTLE.value,
                actor=actor,
                outcome=outcome.value,
                reason=reason,
            )
        )
        await db.commit()
        return call


async def pending_calls(sessions: SessionFactory) -> list[PendingCall]:
    """Every pending call, oldest first, with its last logged error."""
    last_error = (
        select(func.concat_ws(": ", CallAttempt.error_code, CallAttempt.error))
        .where(CallAttempt.bet_id == Bet.id)
        .order_by(CallAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    async with sessions() as db:
        now = await db.scalar(select(func.now()))
        assert now is not None
        rows = await db.execute(
            select(Bet, func.coalesce(last_error, Bet.error_code))
            .where(Bet.status == BetStatus.PENDING.value)
            .order_by(Bet.created_at, Bet.id)
        )
        return [PendingCall(call, now, error or None) for call, error in rows]


def _named(reference: str) -> Select[Bet]:
    try:
        return select(Bet).where(Bet.id == uuid.UUID(reference))
    except ValueError:
        return select(Bet).where(Bet.transaction_id == reference)


def _check_pending(reference: str, claimed: Bet | None, found: Bet | None) -> None:
    if found is None:
        raise QueueError(f"no call is named {reference!r} (give its id or its transactionId)")
    if found.status != BetStatus.PENDING.value:
        raise QueueError(f"{found.transaction_id} is not pending: it is {found.status}")
    if claimed is None:
        raise QueueError(f"{found.transaction_id} is being sent right now; try again shortly")
