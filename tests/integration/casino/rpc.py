"""A minimal RPC caller for the worker tests: publish a command with `reply_to` and a
`correlation_id` to the default exchange, as the gateway does, and await the reply."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue

REPLY_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Reply:
    body: bytes
    correlation_id: str | None


class WalletRpc:
    def __init__(self, channel: AbstractChannel, replies: AbstractQueue, queue: str) -> None:
        self.channel = channel
        self.replies = replies
        self.queue = queue
        self.waiting: dict[str, asyncio.Future[Reply]] = {}

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self.waiting.pop(message.correlation_id or "", None)
        if future is not None and not future.done():
            future.set_result(Reply(message.body, message.correlation_id))

    async def call(self, body: bytes) -> Reply:
        correlation_id = uuid.uuid4().hex
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.waiting[correlation_id] = future
        await self.channel.default_exchange.publish(
            aio_pika.Message(
                body,
                content_type="application/json",
                correlation_id=correlation_id,
                reply_to=self.replies.name,
                headers={"x-correlation-id": f"test-{correlation_id}"},
            ),
            routing_key=self.queue,
        )
        reply = await asyncio.wait_for(future, REPLY_TIMEOUT_SECONDS)
        assert reply.correlation_id == correlation_id
        return reply


@asynccontextmanager
async def wallet_rpc(amqp_url: str, queue: str) -> AsyncIterator[WalletRpc]:
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel()
        replies = await channel.declare_queue(exclusive=True, auto_delete=True)
        rpc = WalletRpc(channel, replies, queue)
        await replies.consume(rpc._on_reply, no_ack=True)
        yield rpc
    finally:
        await connection.close()
