"""The RabbitMQ RPC client: many commands in flight at once over one connection.

One robust connection, one channel, one exclusive auto-delete reply queue consumed
(no_ack) by one long-lived consumer. Each call publishes its command to the default
exchange (routing key = the target queue) with `reply_to` and its own `correlation_id`,
then awaits a future that the consumer resolves by that id. FastStream's
`broker.request()` is not used: it holds one lock for the whole round trip, so only one
request would be in flight per process.

Reconnection: `connect_robust` re-declares the reply queue and re-registers its consumer
after a broker restart or a dropped connection. The queue name is chosen here, not by
the server, so it is the same after recovery: `reply_to` of commands already in flight
stays valid, and their replies still arrive once the queue exists again. A server-named
queue would come back under a new name and those replies would be lost. The integration
tests cut the connection from the broker's side and check that calls work again.

Routing: the gateway declares no command queue; the workers own them (durable).
Commands are published `mandatory`, so while no worker has ever declared its queue the
broker returns the command and the caller gets WALLET_UNAVAILABLE at once instead of
waiting out the timeout. While the queue exists but no worker consumes it, the command
waits there until its `expiration` (the caller's timeout), then is dropped unapplied.
"""

import asyncio
import logging
import uuid
from typing import Any, Protocol

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractRobustConnection,
)
from aio_pika.exceptions import CONNECTION_EXCEPTIONS, PublishError
from pydantic import BaseModel

from contracts.logs import CORRELATION_HEADER
from contracts.rpc import RpcReply
from gateway.errors import WalletUnavailableError

log = logging.getLogger(__name__)

RECONNECT_INTERVAL_SECONDS = 1.0


class Rpc(Protocol):
    """What routes need of the RPC client; unit tests pass a fake to `create_app`."""

    @property
    def ready(self) -> bool: ...

    async def call(
        self, queue: str, command: BaseModel, *, reply_within: float, correlation_id: str
    ) -> RpcReply: ...


class RpcClient:
    """Sends `contracts.rpc` commands and awaits their `RpcReply`, multiplexed."""

    def __init__(self, amqp_url: str, *, reconnect_interval: float = RECONNECT_INTERVAL_SECONDS):
        self._amqp_url = amqp_url
        self._reconnect_interval = reconnect_interval
        self._reply_queue_name = f"gateway.replies.{uuid.uuid4().hex}"
        self._pending: dict[str, asyncio.Future[bytes]] = {}
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._connected = False
        self._closing = False
        self._connecting: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        """Whether a command can be sent now: connected, reply queue consumed."""
        return self._connected

    @property
    def reply_queue_name(self) -> str:
        """Also the broker-side connection name's suffix, to find this client's connection."""
        return self._reply_queue_name

    async def start(self) -> None:
        """Begin connecting in the background: the gateway serves (and says it is not
        ready) while the broker is unreachable, and connects when it comes."""
        self._connecting = asyncio.create_task(self._connect_until_up())

    async def close(self) -> None:
        self._closing = True
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        if self._connection is not None:
            await self._connection.close()
        self._connected = False

    async def call(
        self,
        queue: str,
        command: BaseModel,
        *,
        reply_within: float,
        correlation_id: str,
        quiet: bool = False,
    ) -> RpcReply:
        """Publish `command` to `queue` and wait at most `reply_within` seconds for its reply.

        `reply_within` is also the command's AMQP `expiration`: a command nobody waits for
        any more is dropped from the queue rather than applied late by surprise.

        Raises WalletUnavailableError when the broker is down, the queue does not exist, or
        no reply comes in time; a reply that arrives later is dropped. Each such failure is
        logged as a warning, or at DEBUG when `quiet` (a caller that asks again and again,
        and says once itself that the answers stopped: `gateway.providers`).
        """
        body = await self.request(
            queue,
            command.model_dump_json(by_alias=True).encode(),
            reply_within=reply_within,
            correlation_id=correlation_id,
            quiet=quiet,
        )
        return RpcReply.model_validate_json(body)

    async def request(
        self,
        queue: str,
        body: bytes,
        *,
        reply_within: float,
        expiration: float | None = None,
        message_type: str | None = None,
        correlation_id: str | None = None,
        quiet: bool = False,
    ) -> bytes:
        """Publish a ready-made `body` and return its reply's body, failing as `call` does.

        For callers that build their own messages (`callbacks.batching`): `message_type` is
        the AMQP `type`, `expiration` defaults to `reply_within`, and `correlation_id`
        (the HTTP request's, when the message carries one request) goes in the header the
        worker logs.
        """
        if not self._connected or self._channel is None:
            raise WalletUnavailableError("The casino's message broker is unreachable; retry later")
        message_id = uuid.uuid4().hex
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        logged: dict[str, Any] = {"queue": queue}
        level = logging.DEBUG if quiet else logging.WARNING
        headers: dict[str, Any] = {}
        if correlation_id is not None:
            logged["correlation_id"] = headers[CORRELATION_HEADER] = correlation_id
        try:
            async with asyncio.timeout(reply_within):
                await self._channel.default_exchange.publish(
                    aio_pika.Message(
                        body,
                        content_type="application/json",
                        correlation_id=message_id,
                        reply_to=self._reply_queue_name,
                        expiration=reply_within if expiration is None else expiration,
                        type=message_type,
                        headers=headers,
                    ),
                    routing_key=queue,
                    mandatory=True,
                )
                return await future
        except TimeoutError:
            log.log(level, "no reply within %ss", reply_within, extra=logged)
            raise WalletUnavailableError(
                f"The casino did not answer within {reply_within:g}s"
            ) from None
        except PublishError:
            log.log(level, "command unroutable: no consumer queue", extra=logged)
            raise WalletUnavailableError(
                "The casino is not consuming commands; retry later"
            ) from None
        except CONNECTION_EXCEPTIONS:
            log.log(level, "publishing failed", exc_info=True, extra=logged)
            raise WalletUnavailableError(
                "The casino's message broker is unreachable; retry later"
            ) from None
        finally:
            self._pending.pop(message_id, None)

    async def _connect_until_up(self) -> None:
        while True:
            try:
                await self._open()
                return
            except CONNECTION_EXCEPTIONS as error:
                log.warning(
                    "broker unreachable (%s); retrying in %ss", error, self._reconnect_interval
                )
                if self._connection is not None:
                    await self._connection.close()
                    self._connection = None
                await asyncio.sleep(self._reconnect_interval)

    async def _open(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self._amqp_url,
            reconnect_interval=self._reconnect_interval,
            client_properties={"connection_name": f"casino-gateway {self._reply_queue_name}"},
        )
        self._channel = await self._connection.channel(on_return_raises=True)
        # robust (the default): the channel re-declares and re-consumes it on reconnection.
        replies = await self._channel.declare_queue(
            self._reply_queue_name, exclusive=True, auto_delete=True
        )
        await replies.consume(self._on_reply, no_ack=True)
        # Reconnect callbacks run after the channel (queue and consumer) has been restored.
        self._connection.close_callbacks.add(self._on_connection_lost)
        self._connection.reconnect_callbacks.add(self._on_connection_restored)
        self._connected = True
        log.info("connected to the broker; replies on %s", self._reply_queue_name)

    def _on_connection_lost(self, _: object, error: BaseException | None) -> None:
        self._connected = False
        if not self._closing:
            log.warning("broker connection lost: %r", error)

    def _on_connection_restored(self, _: object) -> None:
        self._connected = True
        log.info("broker connection restored; replies on %s", self._reply_queue_name)

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self._pending.get(message.correlation_id or "")
        if future is None or future.done():
            log.info("late or unknown reply dropped", extra={"message_id": message.correlation_id})
            return
        future.set_result(message.body)
