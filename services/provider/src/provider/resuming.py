"""The retry queue: every call left `pending` (by a crash, or by retries that ran out) is
settled without a person.

A call is the queue's once its sender has had it for a full in-flight period (the longest
its retries can take) and not written an outcome: the process that wrote it has died or
given up. Then, by type:

- a **debit** (bet) is rolled back and never sent again: its outcome is unknown, and the
  round it belongs to will not be played on, so the player is made whole. A rollback
  naming it, with a transactionId of its own, is recorded in the same transaction that
  marks the debit `unknown`, and sent. If the casino had applied the debit, the rollback
  refunds it; if the debit never arrived, the rollback leaves a tombstone and a late copy
  of the debit is refused (`TRANSACTION_ROLLED_BACK`). Sending the debit again instead
  could charge the player now for a round that was abandoned.
- a **payout** (credit), **rollback** or **end_round** is sent again, with its stored
  transactionId and exactly its stored body (signed afresh), until the casino gives a
  final answer; each send is logged, and the next one waits according to
  `provider.backoff` (doubling, an hour at most, for a day by default). Past that horizon
  it waits for an operator (`game-provider pending`).

When a call is settled and its round holds no other pending call, the round is closed, as
a round played to the end is; open rounds whose process died between two calls (none
pending, nothing written for an in-flight period) are closed too. Several provider
processes may run the queue on one database: claims (`provider.call_queue`) keep any call
in one process's hands at a time.
"""

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from provider import metrics
from provider.backoff import RetrySchedule
from provider.call_queue import claim_due, record_send
from provider.calls import Calls
from provider.game_rounds import close_abandoned_rounds, close_round_if_settled
from provider.kinds import BetStatus, BetType
from provider.models import Bet
from provider.outcomes import CallOutcome

log = logging.getLogger(__name__)

BATCH = 8
ROLLBACK_REASON = "debit left pending by an interrupted round; rolled back by the retry queue"


def queue_actor() -> str:
    """Who the log names for this process's queue: its host and process id."""
    return f"retry queue {socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Resumed:
    """What one resumption did: the call, the outcome heard, and what comes next."""

    call: Bet
    outcome: CallOutcome
    rollback: Bet | None = None
    next_attempt_at: datetime | None = None


@dataclass
class Resumer:
    calls: Calls
    schedule: RetrySchedule
    actor: str = field(default_factory=queue_actor)
    batch: int = BATCH

    async def resume_due(self) -> int:
        """Claim the calls that are due (a batch at most) and resume them together; how
        many were claimed."""
        sessions, lease = self.calls.sessions, self.calls.in_flight_seconds
        claimed = await claim_due(sessions, self.batch, lease)
        done = await asyncio.gather(*map(self.resume, claimed), return_exceptions=True)
        for call, result in zip(claimed, done, strict=True):
            if isinstance(result, BaseException):
                # Still claimed: the lease runs out and the call is taken up again.
                log.error(
                    "retry queue: resuming a call failed",
                    extra={"transaction_id": call.transaction_id},
                    exc_info=result,
                )
        return len(claimed)

    async def resume(self, call: Bet, actor: str | None = None) -> Resumed:
        """Resume one call claimed by us, by the rules above."""
        actor = actor or self.actor
        if call.type == BetType.BET.value:
            rollback, outcome = await self.calls.roll_back(call, None, ROLLBACK_REASON, actor=actor)
            resumed = Resumed(call, outcome, rollback)
        else:
            outcome = await self.calls.send(call)
            next_at = await record_send(self.calls.sessions, call, outcome, actor, self.schedule)
            resumed = Resumed(call, outcome, next_attempt_at=next_at)
        _log(resumed, actor)
        await close_round_if_settled(self.calls.sessions, call.round_id)
        return resumed

    async def run(self, interval_seconds: float) -> None:
        """Resume what is due now, and again every `interval_seconds`, for ever."""
        while True:
            try:
                while await self.resume_due() == self.batch:
                    pass  # a full batch: more may be due at once
                await close_abandoned_rounds(self.calls.sessions, self.calls.in_flight_seconds)
            except Exception:  # the database may be down: the next pass tries again
                log.exception("retry queue: a pass failed")
            await asyncio.sleep(interval_seconds)


@contextlib.asynccontextmanager
async def running(resumer: Resumer, interval_seconds: float) -> AsyncIterator[None]:
    """The queue as a background task while the block runs (not at all for interval 0):
    a service is ready at once, whatever the queue holds."""
    if interval_seconds <= 0:
        yield
        return
    task = asyncio.create_task(resumer.run(interval_seconds), name="retry queue")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _log(resumed: Resumed, actor: str) -> None:
    call, outcome = resumed.call, resumed.outcome
    metrics.RETRY_QUEUE.labels(call.type, outcome.status.value).inc()
    extra = {
        "transaction_id": call.transaction_id,
        "type": call.type,
        "actor": actor,
        "outcome": outcome.status.value,
        "code": outcome.code,
    }
    if resumed.rollback is not None:
        # A refused rollback (the round was paid meanwhile) may leave the debit charged.
        refused = outcome.status is BetStatus.REJECTED
        log.log(
            logging.ERROR if refused else logging.WARNING,
            "retry queue: debit rolled back",
            extra={**extra, "rollback": resumed.rollback.transaction_id},
        )
    elif outcome.status is BetStatus.UNKNOWN and resumed.next_attempt_at is None:
        log.error(
            "retry queue: call still unanswered past the horizon; needs an operator", extra=extra
        )
    else:
        next_at = resumed.next_attempt_at
        extra["next_attempt_at"] = next_at.isoformat() if next_at else None
        log.info("retry queue: call sent again", extra=extra)
