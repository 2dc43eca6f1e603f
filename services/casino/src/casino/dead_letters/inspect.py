"""The dead-letter queues for an operator: read them, put a command back, or drop it.

Every command queue of `contracts.topology` (wallet, lobby) dead-letters to `<queue>.dead`
the commands that failed again after redelivery (`rejected`) and those nobody took within
their caller's timeout (`expired`). Nothing replays them automatically; this module is how
an operator (the `casino dead-letters` command, the back office) looks at them and decides.

Reading without losing: AMQP 0-9-1 has no "peek". Each reading takes messages with
basic.get *without* acknowledging them, on a channel of its own, then closes that channel:
RabbitMQ gives every unacknowledged message back to its queue, at its original position
(classic queues), exactly as it would if this process died mid-way. So a listing, a crash
or a bug here never removes a message; only an explicit ack (after a confirmed requeue, or
a discard) does. What changes is the `redelivered` flag of the messages read, which nothing
consuming a dead-letter queue looks at. While a reading holds them (a few milliseconds), a
second reading at the same moment does not see them: a listing is a snapshot, not a lock.

Each message is named by `messages.message_key` (its correlation id, which the worker's
log line names too), stable from one reading to the next, so an operator can list, then
act on what they saw.
"""

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage
from aio_pika.exceptions import ChannelNotFoundEntity, DeliveryError, PublishError

from casino.dead_letters import messages
from contracts import topology

log = logging.getLogger(__name__)

COMMAND_QUEUES: tuple[str, ...] = (topology.WALLET_QUEUE, topology.LOBBY_QUEUE)
# How far `requeue` and `discard` look for a key in one queue: the dead-letter queue is
# bounded by its week of retention, and a search is held unacknowledged in memory.
MAX_SCAN = 10_000


@dataclass(frozen=True)
class DeadLetter:
    """One message in a dead-letter queue, as an operator reads it."""

    queue: str  # the dead-letter queue, e.g. casino.wallet.v2.dead
    message_key: str  # stable: what `requeue` and `discard` are given
    reason: str  # rejected | expired | maxlen | delivery_limit | unknown
    first_death_at: datetime | None  # UTC
    command: dict[str, Any]  # the JSON body, or {"unreadable": "<first bytes>"}
    headers: dict[str, Any]  # JSON-safe: times as ISO 8601 text

    @property
    def command_queue(self) -> str:
        """The queue the command was sent to, and where `requeue` puts it back."""
        return messages.command_queue_of(self.queue, self.headers)


class UnknownDeadLetterQueueError(ValueError):
    """The queue named is not the dead-letter queue of a command queue."""

    code = "UNKNOWN_DEAD_LETTER_QUEUE"


class RequeueFailedError(RuntimeError):
    """The command could not be published back (its queue missing, the broker refusing it):
    the dead letter is left where it was."""

    code = "REQUEUE_FAILED"


def dead_letter_queues(command_queues: Sequence[str] = COMMAND_QUEUES) -> tuple[str, ...]:
    """The dead-letter queue of each command queue, in order."""
    return tuple(topology.dead_letter_routing_key(name) for name in command_queues)


async def list_dead_letters(
    amqp_url: str, limit: int = 100, *, command_queues: Sequence[str] = COMMAND_QUEUES
) -> list[DeadLetter]:
    """At most `limit` dead letters, oldest first, queue by queue (wallet, then lobby), each
    left in its queue (see the module's docstring). A dead-letter queue not declared yet
    has none."""
    if limit < 1:
        raise ValueError(f"a listing shows at least one dead letter, not {limit}")
    letters: list[DeadLetter] = []
    async with await aio_pika.connect(amqp_url) as connection:
        for queue in dead_letter_queues(command_queues):
            async with _reading(connection, queue) as channel:
                dead = await _existing_queue(channel, queue)
                while dead is not None and len(letters) < limit:
                    message = await dead.get(no_ack=False, fail=False)
                    if message is None:
                        break
                    letters.append(_dead_letter(queue, message))
    return letters


async def requeue(
    amqp_url: str,
    queue: str,
    message_key: str,
    *,
    command_queues: Sequence[str] = COMMAND_QUEUES,
) -> bool:
    """Publish the dead letter `message_key` of the dead-letter `queue` back to its command
    queue, then remove it from `queue`; False when `queue` holds no such message.

    Order, so nothing is lost: the command is published with publisher confirms (and
    `mandatory`, so a command queue no worker has declared refuses it) and only once the
    broker has confirmed it is the dead copy acknowledged. A crash in between leaves it in
    both queues, never in neither; the wallet's idempotency (one decision per provider and
    transactionId, replayed to any repeat) makes the second copy harmless.

    What the requeued command carries, and why. Its caller (the gateway, for the provider)
    had its 503 or timeout long ago, so:

    - It gets an expiration again: its caller's original timeout (`original-expiration`
      of its `x-death`), or 30 seconds. An operator requeues when a worker is there to
      take it; if none takes it in that time, it is dead-lettered again as `expired` and
      waits for the operator, instead of being applied whenever a worker next starts,
      hours later, by surprise.
    - Its `reply_to` is dropped: the reply would go to a caller that no longer waits (or
      a reply queue that no longer exists, which would fail the worker's reply and
      dead-letter the command again). The decision is recorded in the ledger, where the
      operator reads it (the round, the player's transactions).
    - Applying it late is safe for money, by the wallet's own rules: if the provider
      retried the transactionId meanwhile, the ledger answers the stored decision and
      moves nothing again; if it rolled the bet back, the bet finds its rollback (or the
      tombstone of a rollback that came first) and is refused TRANSACTION_ROLLED_BACK.
      What is left is a command the provider never retried nor cancelled: applying it is
      what the operator decided, with the command in front of them.

    Raises `UnknownDeadLetterQueueError` for a queue that is not a command queue's
    dead-letter queue, and `RequeueFailedError` when the broker does not take the command
    back (the dead letter then stays).
    """
    _known(queue, command_queues)
    async with (
        await aio_pika.connect(amqp_url) as connection,
        _reading(connection, queue) as channel,
    ):
        found = await _find(channel, queue, message_key)
        if found is None:
            return False
        target = messages.command_queue_of(queue, found.headers)
        try:
            await channel.default_exchange.publish(
                _requeued(found), routing_key=target, mandatory=True
            )
        except (DeliveryError, PublishError) as refused:
            raise RequeueFailedError(
                f"{target} did not take the command back (is a worker declaring it?): "
                f"{type(refused).__name__}; the dead letter stays in {queue}"
            ) from refused
        await found.ack()
    log.warning(
        "dead letter requeued",
        extra={"queue": queue, "message_key": message_key, "command_queue": target},
    )
    return True


async def discard(
    amqp_url: str,
    queue: str,
    message_key: str,
    *,
    reason: str | None = None,
    command_queues: Sequence[str] = COMMAND_QUEUES,
) -> bool:
    """Remove the dead letter `message_key` of `queue` for good (logged with the operator's
    `reason`); False when `queue` holds no such message. Raises
    `UnknownDeadLetterQueueError` as `requeue` does."""
    _known(queue, command_queues)
    async with (
        await aio_pika.connect(amqp_url) as connection,
        _reading(connection, queue) as channel,
    ):
        found = await _find(channel, queue, message_key)
        if found is None:
            return False
        await found.ack()
    log.warning(
        "dead letter discarded",
        extra={"queue": queue, "message_key": message_key, "reason": reason},
    )
    return True


def _known(queue: str, command_queues: Sequence[str]) -> None:
    known = dead_letter_queues(command_queues)
    if queue not in known:
        raise UnknownDeadLetterQueueError(
            f"{queue!r} is not a dead-letter queue; one of: {', '.join(known)}"
        )


@asynccontextmanager
async def _reading(connection: AbstractConnection, queue: str) -> AsyncIterator[AbstractChannel]:
    """A channel of its own for reading `queue`: closing it, however this ends, hands every
    message it took and did not acknowledge back to the queue, in place. Confirms on and
    returns raised, for a requeue's publish."""
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    try:
        yield channel
    finally:
        if not channel.is_closed:
            await channel.close()


async def _existing_queue(channel: AbstractChannel, name: str) -> aio_pika.abc.AbstractQueue | None:
    """The queue, if declared (a passive declaration: its arguments are left alone)."""
    try:
        return await channel.get_queue(name, ensure=True)
    except ChannelNotFoundEntity:
        return None  # the broker closed the channel; `_reading` knows


async def _find(
    channel: AbstractChannel, queue: str, message_key: str
) -> AbstractIncomingMessage | None:
    """The first message of `queue` named `message_key`, held unacknowledged, and every
    one before it held too (given back when the channel closes)."""
    dead = await _existing_queue(channel, queue)
    if dead is None:
        return None
    for _ in range(MAX_SCAN):
        message = await dead.get(no_ack=False, fail=False)
        if message is None:
            return None
        if _key(message) == message_key:
            return message
    return None


def _key(message: AbstractIncomingMessage) -> str:
    return messages.message_key(
        message.correlation_id, message.message_id, message.body, message.headers
    )


def _dead_letter(queue: str, message: AbstractIncomingMessage) -> DeadLetter:
    headers = message.headers
    return DeadLetter(
        queue=queue,
        message_key=_key(message),
        reason=messages.death_reason(headers),
        first_death_at=messages.first_death_at(headers),
        command=messages.command_of(message.body),
        headers=messages.json_safe(dict(headers)),
    )


def _requeued(dead: AbstractIncomingMessage) -> aio_pika.Message:
    """The command as its caller sent it, with a fresh expiration and no reply_to (see
    `requeue`); its type (a wallet batch's) and correlation id kept."""
    return aio_pika.Message(
        dead.body,
        headers=messages.requeued_headers(dead.headers, datetime.now(UTC)),
        content_type=dead.content_type,
        content_encoding=dead.content_encoding,
        delivery_mode=dead.delivery_mode,
        priority=dead.priority,
        correlation_id=dead.correlation_id,
        message_id=dead.message_id,
        timestamp=dead.timestamp,
        type=dead.type,
        app_id=dead.app_id,
        expiration=messages.requeue_expiration_seconds(dead.headers),
    )
