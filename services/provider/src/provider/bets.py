"""The provider's record of every call to the wallet made in its rounds: bets, payouts,
rollbacks and the end of a round (which moves no money, but is retried like a payout
until the casino has decided it).

A call's row is written with a fresh transactionId, the exact body it is sent with, and
status `pending`, and committed *before* the call is sent: if we crash mid-call, the row
still names the transactionId that may have moved money and holds what to send again, so
it is never forgotten (a `pending` row is exactly that; `provider.resuming` picks it up).
Once the casino has answered, or the retries are spent, the row gets the outcome, the
casino's last reply and the number of attempts, once: an outcome is only ever written
over `pending`, so whoever hears first (the request, or the retry queue) decides.
Those writes are retried through a database outage (`provider.settling`).
"""

import json
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.wallet import CreditRequest, DebitRequest, EndRoundRequest, RollbackRequest
from provider.casino_client import wire_body
from provider.database import SessionFactory
from provider.kinds import AttemptAction, BetStatus, BetType
from provider.models import Bet, CallAttempt
from provider.outcomes import CallOutcome
from provider.settling import through_outage

MoneyRequest = DebitRequest | CreditRequest | RollbackRequest | EndRoundRequest
CASINO_PATHS = {
    BetType.BET: "/casino/debit",
    BetType.PAYOUT: "/casino/credit",
    BetType.ROLLBACK: "/casino/rollback",
    BetType.END_ROUND: "/casino/endRound",
}
_TYPES: dict[type[MoneyRequest], BetType] = {
    DebitRequest: BetType.BET,
    CreditRequest: BetType.PAYOUT,
    RollbackRequest: BetType.ROLLBACK,
    EndRoundRequest: BetType.END_ROUND,
}


def new_transaction_id(bet_type: BetType) -> str:
    return f"{bet_type.value}-{uuid.uuid4()}"


def later(seconds: float) -> Any:
    """The database's clock, `seconds` from now (one clock for every provider process)."""
    return func.now() + timedelta(seconds=seconds)


async def record_call(
    sessions: SessionFactory,
    round_id: uuid.UUID,
    request: MoneyRequest,
    amount: int | None,
    *,
    in_flight_seconds: float,
    related: Bet | None = None,
    reason: str | None = None,
    campaign_id: uuid.UUID | None = None,
) -> Bet:
    """A committed, pending row for a call about to be made, holding the body it is sent
    with; the retry queue leaves it to its sender for `in_flight_seconds`. A free round
    and its win name their campaign's row (`campaign_id`).

    The ids are chosen once and the insert is idempotent, so it is retried through a
    database outage: a commit whose answer was lost must not leave a pending row behind
    for a call that is then never sent."""
    bet = _new_row(round_id, request, amount, related, reason, campaign_id)

    async def write() -> None:
        async with sessions() as db:
            await _insert(db, bet, in_flight_seconds)
            await db.commit()

    await through_outage(write, f"call {bet.transaction_id}")
    return bet


async def record_outcome(
    sessions: SessionFactory, bet: Bet, outcome: CallOutcome, *, retry_in_seconds: float
) -> None:
    """Write what the casino answered. A payout or rollback whose outcome is still unknown
    stays pending, handed to the retry queue (due in `retry_in_seconds`): it must reach
    the casino. A debit's unknown outcome is final here (`give_up_debit` rolls it back)."""
    values = heard(outcome)
    if outcome.status is BetStatus.UNKNOWN and bet.type != BetType.BET.value:
        values["next_attempt_at"] = later(retry_in_seconds)
    else:
        values |= {"status": outcome.status.value, "next_attempt_at": None}

    async def record() -> None:
        async with sessions() as db:
            await db.execute(over_pending(bet.id).values(**values))
            await db.commit()

    await through_outage(record, f"outcome of {bet.transaction_id}")


async def give_up_debit(
    sessions: SessionFactory,
    debit: Bet,
    outcome: CallOutcome | None,
    reason: str,
    *,
    in_flight_seconds: float,
    actor: str | None = None,
) -> Bet:
    """In one transaction: the debit's outcome is `unknown` for good, and a pending
    rollback naming it is written (a new transactionId), so no crash can leave the debit
    unknown with nothing to cancel it. The caller then sends the rollback. The retry
    queue (`actor`) also logs the step."""
    body = json_of(debit)
    request = RollbackRequest(
        session_token=body["sessionToken"],
        transaction_id=new_transaction_id(BetType.ROLLBACK),
        original_transaction_id=debit.transaction_id,
        reason=reason,
    )
    rollback = _new_row(debit.round_id, request, debit.amount, debit, reason)
    answer = heard(outcome) if outcome else {}

    async def write() -> None:
        async with sessions() as db:
            await db.execute(
                over_pending(debit.id).values(
                    **answer, status=BetStatus.UNKNOWN.value, next_attempt_at=None
                )
            )
            inserted = await _insert(db, rollback, in_flight_seconds)
            if actor and inserted:
                db.add(
                    CallAttempt(
                        bet_id=debit.id,
                        action=AttemptAction.ROLL_BACK.value,
                        actor=actor,
                        outcome=BetStatus.UNKNOWN.value,
                        reason=f"{reason}: {rollback.transaction_id}",
                    )
                )
            await db.commit()

    await through_outage(write, f"roll back {debit.transaction_id}")
    return rollback


def body_of(call: Bet) -> bytes:
    """The exact bytes a call is sent with, every time."""
    assert call.request_body is not None, "a call's row holds its body"
    return call.request_body.encode()


def json_of(call: Bet) -> dict[str, Any]:
    """The body a call was sent with, read back."""
    body: dict[str, Any] = json.loads(body_of(call))
    return body


def _new_row(
    round_id: uuid.UUID,
    request: MoneyRequest,
    amount: int | None,
    related: Bet | None,
    reason: str | None,
    campaign_id: uuid.UUID | None = None,
) -> Bet:
    return Bet(
        id=uuid.uuid4(),
        round_id=round_id,
        type=_TYPES[type(request)].value,
        transaction_id=request.transaction_id,
        amount=amount,
        related_bet_id=related.id if related else None,
        reason=reason,
        status=BetStatus.PENDING.value,
        request_body=wire_body(request).decode(),
        attempts=0,
        resends=0,
        kind=request.kind.value if isinstance(request, CreditRequest) else None,
        campaign_id=campaign_id,
    )


async def _insert(db: AsyncSession, bet: Bet, in_flight_seconds: float) -> bool:
    """Insert the row unless it is already there (a retried commit); whether it was new."""
    columns = ("id", "round_id", "type", "transaction_id", "amount", "related_bet_id")
    values = {name: getattr(bet, name) for name in columns}
    values |= {"reason": bet.reason, "request_body": bet.request_body, "kind": bet.kind}
    values |= {"campaign_id": bet.campaign_id}
    inserted = await db.execute(
        insert(Bet)
        .values(**values, next_attempt_at=later(in_flight_seconds))
        .on_conflict_do_nothing()
        .returning(Bet.id)
    )
    return inserted.first() is not None


def over_pending(bet_id: uuid.UUID) -> Any:
    """An UPDATE of a call that nobody has settled yet (an outcome is written once)."""
    return update(Bet).where(Bet.id == bet_id, Bet.status == BetStatus.PENDING.value)


def heard(outcome: CallOutcome) -> dict[str, Any]:
    return {
        "error_code": outcome.code,
        "casino_reply": outcome.reply,
        "balance_after": outcome.balance,
        "attempts": Bet.attempts + outcome.attempts,
    }
