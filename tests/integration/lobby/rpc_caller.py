"""Calls a lobby the way the gateway does: a command published to the lobby's queue with
`reply_to` (our own exclusive queue) and a `correlation_id`, the reply matched by that id.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

REPLY_TIMEOUT_SECONDS = 30


class LobbyCaller:
    def __init__(
        self,
        connection: AbstractRobustConnection,
        channel: AbstractChannel,
        replies: AbstractQueue,
    ) -> None:
        self._connection = connection
        self._channel = channel
        self._replies = replies
        self._pending: dict[str, asyncio.Future[bytes]] = {}

    @classmethod
    async def connect(cls, amqp_url: str) -> LobbyCaller:
        connection = await aio_pika.connect_robust(amqp_url)
        channel = await connection.channel()
        caller = cls(connection, channel, await channel.declare_queue(exclusive=True))
        await caller._replies.consume(caller._on_reply, no_ack=True)
        return caller

    async def close(self) -> None:
        await self._connection.close()

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        # Left in place for `reply`, which may be called after the reply has arrived.
        future = self._pending.get(message.correlation_id or "")
        if future is not None and not future.done():
            future.set_result(message.body)

    async def publish(self, queue: str, body: bytes) -> str:
        """Send a command without waiting; the correlation id to wait on with `reply`."""
        correlation_id = uuid.uuid4().hex
        self._pending[correlation_id] = asyncio.get_running_loop().create_future()
        await self._channel.default_exchange.publish(
            aio_pika.Message(
                body,
                content_type="application/json",
                correlation_id=correlation_id,
                reply_to=self._replies.name,
                headers={"x-correlation-id": correlation_id},
            ),
            routing_key=queue,
        )
        return correlation_id

    async def reply(self, correlation_id: str) -> dict[str, Any]:
        try:
            body = await asyncio.wait_for(self._pending[correlation_id], REPLY_TIMEOUT_SECONDS)
        finally:
            del self._pending[correlation_id]
        reply: dict[str, Any] = json.loads(body)
        return reply

    async def call(self, queue: str, command: str, request: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps({"command": command, "request": request}).encode()
        return await self.reply(await self.publish(queue, body))
