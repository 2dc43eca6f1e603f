"""The broker of a casino consumer: one subscriber on one durable command queue.

The wallet worker and the lobby are built the same way; only their handler, prefetch and
graceful timeout differ.

Acknowledgement (FastStream 0.7, read from its source): the subscriber publishes the
handler's returned reply to `reply_to`, with the command's `correlation_id`, inside the
message's processing scope; the acknowledgement middleware acks when that scope exits
cleanly. So a command is acked only after its reply was published (with publisher
confirms). A consumer that dies before then leaves the message unacked and RabbitMQ
redelivers it. If the reply cannot be published, NACK_ON_ERROR requeues the command
rather than dropping it, once: a command that fails again after redelivery is
dead-lettered (`casino.consuming.dead_letter`).

Prefetch bounds how many messages one consumer holds unacknowledged; each runs in its own
task (aio-pika dispatches every delivery as a task), so that many run at once.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitResponse

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


def subscribe(broker: RabbitBroker, queue: str, handler: CommandHandler, *, prefetch: int) -> None:
    """Give each command on the durable `queue`, its body undecoded, to `handler`, and
    publish its returned reply; acknowledged as the module's docstring says."""
    broker.subscriber(
        command_queue(queue),
        channel=Channel(prefetch_count=prefetch),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=raw_body,
    )(handler)


async def raw_body(message: StreamMessage[Any]) -> bytes:
    """The body as it came: the handler parses it, so even bytes that are not JSON get a
    reply (FastStream's own decoder would raise first, and the message be requeued).

    Async, though it awaits nothing: FastStream runs a synchronous decoder in a thread
    pool, and that hand-off to a thread and back cost every message two context switches."""
    body: bytes = message.body
    return body
