"""A real RabbitMQ, the gateway's RPC client, and a small echo worker on a queue of this
test's own, so tests see what the casino would receive and control how it answers."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import aio_pika
import pytest
import pytest_asyncio
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from contracts.rpc import RpcReply
from gateway.rpc import RpcClient

pytestmark = pytest.mark.integration


async def wait_until(condition: Callable[[], bool], within: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {within}s")
        await asyncio.sleep(0.02)


@dataclass
class EchoWorker:
    """Answers each command with `{"result": {"echo": <its request>, ...}}` after
    `delay()` seconds; several run at once, so replies come back out of order."""

    channel: AbstractChannel
    queue: str
    delay: Callable[[], float] = lambda: random.uniform(0, 0.05)
    received: list[AbstractIncomingMessage] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, message: AbstractIncomingMessage) -> None:
        self.received.append(message)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay())
            command = json.loads(message.body)
            result = {
                "echo": command["request"],
                "command": command["command"],
                "correlationHeader": message.headers.get("x-correlation-id"),
            }
            await self.channel.default_exchange.publish(
                aio_pika.Message(
                    RpcReply(result=result).model_dump_json(exclude_none=True).encode(),
                    correlation_id=message.correlation_id,
                    content_type="application/json",
                ),
                routing_key=message.reply_to or "",
            )
        finally:
            self.in_flight -= 1


@pytest_asyncio.fixture(loop_scope="session")
async def echo_worker(amqp_url: str, unique: str) -> AsyncIterator[EchoWorker]:
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"gateway-test.echo.{unique}", auto_delete=True)
        worker = EchoWorker(channel, queue.name)

        # aiormq runs each delivery's callback in its own task, so replies interleave.
        await queue.consume(worker.handle, no_ack=True)
        yield worker


@pytest_asyncio.fixture(loop_scope="session")
async def rpc_client(amqp_url: str) -> AsyncIterator[RpcClient]:
    client = RpcClient(amqp_url)
    await client.start()
    await wait_until(lambda: client.ready, 10, "connecting to RabbitMQ")
    yield client
    await client.close()
