"""Poison messages over a real RabbitMQ: a command that fails once is tried again; one
that fails again after redelivery is dead-lettered to `<queue>.dead`, not requeued for
ever, and a command nobody consumed before its expiry lands there too."""

import asyncio
from collections.abc import AsyncIterator
from typing import cast

import aio_pika
import pytest
import pytest_asyncio
from faststream.rabbit import RabbitBroker, RabbitResponse
from faststream.rabbit.annotations import RabbitMessage

from casino.consuming.broker import command_broker
from casino.consuming.queues import command_queue, declare_dead_letters
from contracts import topology

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(loop_scope="session")
async def queue(amqp_url: str, unique: str) -> AsyncIterator[str]:
    name = f"casino.poison.it-{unique}"
    yield name
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        await channel.queue_delete(name)
        await channel.queue_delete(topology.dead_letter_routing_key(name))


async def dead_letter(amqp_url: str, queue: str) -> aio_pika.abc.AbstractIncomingMessage | None:
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        dead = await channel.get_queue(topology.dead_letter_routing_key(queue))
        for _ in range(50):
            message = await dead.get(fail=False, no_ack=True)
            if message is not None:
                return message
            await asyncio.sleep(0.1)
    return None


async def test_a_command_failing_again_after_redelivery_is_dead_lettered(
    amqp_url: str, queue: str
) -> None:
    attempts: list[bool] = []

    async def always_fails(message: RabbitMessage) -> RabbitResponse:
        attempts.append(bool(message.raw_message.redelivered))
        raise RuntimeError("cannot publish the reply")

    # The broker of the wallet worker and the lobby, with a handler that always fails.
    broker = command_broker(
        amqp_url, queue, always_fails, prefetch=1, graceful_timeout=1.0, logger=None
    )
    async with broker:
        await broker.connect()
        await declare_dead_letters(broker, queue)
        await broker.start()
        await broker.publish(b"poison", queue=queue, correlation_id="poison-1")
        dead = await dead_letter(amqp_url, queue)

    assert attempts == [False, True]
    assert dead is not None
    assert dead.body == b"poison"
    assert dead.correlation_id == "poison-1"
    [death] = cast(list[dict[str, object]], dead.headers["x-death"])
    assert death["reason"] == "rejected"


async def test_an_expired_command_is_kept_as_a_dead_letter(amqp_url: str, queue: str) -> None:
    broker = RabbitBroker(amqp_url, logger=None)
    async with broker:
        await broker.connect()
        await broker.declare_queue(command_queue(queue))
        await declare_dead_letters(broker, queue)
        await broker.publish(b"late", queue=queue, expiration=0.05)
        dead = await dead_letter(amqp_url, queue)

    assert dead is not None
    assert dead.body == b"late"
    [death] = cast(list[dict[str, object]], dead.headers["x-death"])
    assert death["reason"] == "expired"
