"""The broker of a casino consumer: subscribers on durable command queues.

The wallet worker and the lobby are built the same way; only their queues, handler,
prefetch and graceful timeout differ (the wallet worker's partitions:
`casino.consuming.partitions`).

Acknowledgement (FastStream 0.7, read from its source): the subscriber publishes the
handler's returned reply to `reply_to`, with the command's `correlation_id`, inside the
message's processing scope; the acknowledgement middleware acks when that scope exits
cleanly. So a command is acked only after its reply was published (with publisher
confirms). A consumer that dies before then leaves the message unacked and RabbitMQ
redelivers it. If the reply cannot be published, NACK_ON_ERROR requeues the command
rather than dropping it, once: a command that fails again after redelivery is
dead-lettered (`casino.consuming.dead_letter`).

Each subscriber has a channel of its own. Prefetch bounds how many messages it holds
unacknowledged; each runs in its own task (aio-pika dispatches every delivery as a task),
so that many run at once. A prefetch of 1 therefore means one message at a time, in the
queue's order: what a wallet partition needs.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitQueue, RabbitResponse
from faststream.rabbit.subscriber import RabbitSubscriber

from casino.consuming.dead_letter import DeadLetterRepeatedFailures
from casino.consuming.queues import command_queue

CommandHandler = Callable[..., Awaitable[RabbitResponse]]


def command_broker(
    amqp_url: str,
    queue: str,
    handler: CommandHandler,
    *,
    prefetch: int,
    graceful_timeout: float,
    logger: logging.Logger | None,
) -> RabbitBroker:
    """A broker whose one subscriber gives each command on the durable `queue`, its body
    undecoded, to `handler`, and publishes the returned reply to `reply_to`. (`logger`
    None: FastStream logs nothing of its own.)"""
    broker = RabbitBroker(
        amqp_url,
        graceful_timeout=graceful_timeout,
        logger=logger,
        middlewares=[DeadLetterRepeatedFailures],
    )
    subscribe(broker, queue, handler, prefetch=prefetch)
    return broker


def subscribe(
    broker: RabbitBroker,
    queue: str | RabbitQueue,
    handler: CommandHandler,
    *,
    prefetch: int,
) -> RabbitSubscriber:
    """Give each command on the durable `queue` (a name: a command queue of
    `contracts.topology`), its body undecoded, to `handler`, and publish its returned
    reply; acknowledged as the module's docstring says. Called on a running broker, the
    subscriber is returned unstarted: start it."""
    subscriber = broker.subscriber(
        command_queue(queue) if isinstance(queue, str) else queue,
        channel=Channel(prefetch_count=prefetch),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=raw_body,
    )
    subscriber(handler)
    return subscriber


async def raw_body(message: StreamMessage[Any]) -> bytes:
    """The body as it came: the handler parses it, so even bytes that are not JSON get a
    reply (FastStream's own decoder would raise first, and the message be requeued).

    Async, though it awaits nothing: FastStream runs a synchronous decoder in a thread
    pool, and that hand-off to a thread and back cost every message two context switches."""
    body: bytes = message.body
    return body
