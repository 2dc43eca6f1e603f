"""Poison messages: a command that fails twice is dead-lettered, not requeued for ever.

Handlers turn every outcome into a reply, so a failure here is one the handler could not
catch: typically the reply could not be published. The first time, the command is
requeued (NACK_ON_ERROR), since the cause is most likely transient and idempotency makes
the second attempt harmless. When a *redelivered* command fails again it is rejected
without requeue, and its queue's dead-letter exchange (`contracts.topology`) keeps it in
`<queue>.dead` for an operator; its caller has had a 503 and retries with the same
transactionId, which the ledger answers.

Why "redelivered" rather than a count: our queues are classic queues on RabbitMQ 3.10,
which keep no delivery count, only the `redelivered` flag. Quorum queues' delivery-limit
would count, but they cost a Raft log write per message on a small machine and do not
support exclusive reply queues; a second failure is a strong enough signal here. A
message that kills the worker process outright is not caught by this (nothing runs to
reject it); it is redelivered, and a quorum queue would be the next step if that is seen.
"""

import asyncio
import logging
from types import TracebackType
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import HandlerException, RejectMessage

from casino.consuming import metrics

log = logging.getLogger(__name__)


class DeadLetterRepeatedFailures(BaseMiddleware):
    """Turns a second failure of the same message into a reject (no requeue)."""

    async def after_processed(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> bool | None:
        if exc_val is None or isinstance(exc_val, HandlerException | asyncio.CancelledError):
            return False
        raw: Any = self.msg
        if getattr(raw, "redelivered", False):
            queue = getattr(raw, "routing_key", None)
            log.error(
                "command failed again after redelivery; dead-lettered",
                extra={"queue": queue, "message_id": getattr(raw, "correlation_id", None)},
            )
            metrics.DEAD_LETTERED.labels(queue=queue or "").inc()
            raise RejectMessage() from exc_val
        metrics.REQUEUED.labels(queue=getattr(raw, "routing_key", None) or "").inc()
        return False
