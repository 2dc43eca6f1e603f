"""A real RabbitMQ, the gateway's RPC client, and small fake workers (an echo worker, a
worker that answers batches) on queues of this test's own, so tests see what the casino
would receive and control how it answers."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import pytest
import pytest_asyncio
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from contracts.rpc import WALLET_BATCH_TYPE, RpcReply
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


@dataclass
class BatchWorker:
    """Stands in for the wallet worker as batching needs it: answers a plain command
    message with one reply and a `wallet.batch` with one reply per command, in order,
    each `{"result": {"token": <sessionToken>, "correlationId": <its id>}}`. Records
    every message, so tests can count messages against commands.

    `refusal`, when set, answers every message with that one reply instead; `silent`
    answers nothing."""

    channel: AbstractChannel
    queue: str
    delay: float = 0.05
    refusal: RpcReply | None = None
    silent: bool = False
    received: list[AbstractIncomingMessage] = field(default_factory=list)

    def commands_per_message(self) -> list[int]:
        return [len(commands_of(message)) for message in self.received]

    async def handle(self, message: AbstractIncomingMessage) -> None:
        self.received.append(message)
        if self.silent:
            return
        await asyncio.sleep(self.delay)
        commands = commands_of(message)
        replies = [
            {"result": {"token": command["request"]["sessionToken"], "correlationId": corr}}
            for corr, command in commands
        ]
        if self.refusal is not None:
            body = self.refusal.model_dump_json(exclude_none=True).encode()
        elif message.type == WALLET_BATCH_TYPE:
            body = json.dumps({"replies": replies}).encode()
        else:
            body = json.dumps(replies[0]).encode()
        await self.channel.default_exchange.publish(
            aio_pika.Message(
                body, correlation_id=message.correlation_id, content_type="application/json"
            ),
            routing_key=message.reply_to or "",
        )


def commands_of(message: AbstractIncomingMessage) -> list[tuple[str | None, dict[str, Any]]]:
    """(correlation id, command) of each command a message carries, in its order."""
    body = json.loads(message.body)
    if message.type == WALLET_BATCH_TYPE:
        return [(item["correlation_id"], item["command"]) for item in body["commands"]]
    return [(message.headers.get("x-correlation-id"), body)]  # type: ignore[list-item]


@pytest_asyncio.fixture(loop_scope="session")
async def batch_worker(amqp_url: str, unique: str) -> AsyncIterator[BatchWorker]:
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"gateway-test.batch.{unique}", auto_delete=True)
        worker = BatchWorker(channel, queue.name)
        await queue.consume(worker.handle, no_ack=True)
        yield worker
