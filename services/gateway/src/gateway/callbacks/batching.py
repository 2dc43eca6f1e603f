"""Wallet commands batched on the wire, adaptively, the way TigerBeetle's client does it.

Each message costs the broker and the worker about the same whatever it carries, so under
load the commands that wait at the same moment share one message (`contracts.rpc`
`WalletBatch`). There is no timer: per queue at most `max_in_flight` messages are
outstanding. A command that finds a free slot is published at once, alone, so at low
load nothing waits and nothing is batched. A command that finds every slot taken waits,
and when a reply frees a slot everything that queued up meanwhile goes in the next
message (oldest first, at most MAX_BATCH_COMMANDS). The batch size follows the load.

A message of one command is the plain command message `RpcClient.call` sends (no AMQP
`type`, its request's correlation id in the header), so a lone command costs the worker
no batch handling. More go as a `wallet.batch` (`callbacks.batch_messages`).

Each caller keeps its own future and its own timeout. A caller that gives up before its
command left is never sent. A message expires at the earliest deadline among its
commands, so no command is applied after its caller was told WALLET_UNAVAILABLE.
"""

import asyncio
import contextvars
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel

from contracts.rpc import WALLET_BATCH_TYPE, RpcReply
from gateway import metrics
from gateway.callbacks.batch_messages import batch_body, replies_to_batch
from gateway.errors import GatewayError, WalletUnavailableError

log = logging.getLogger(__name__)

MAX_BATCH_COMMANDS = 500
# A message's own wait outlasts its last caller's by this much, so each caller's timeout
# (with its own figure in the message) is what answers it, never the message's.
_AFTER_LAST_CALLER_SECONDS = 0.05
# RabbitMQ drops a message with expiration 0 unless a consumer takes it at once.
_SHORTEST_EXPIRATION_SECONDS = 0.001
_UNREACHABLE = "The casino's message broker is unreachable; retry later"


class Publisher(Protocol):
    """What the batcher needs of `rpc.RpcClient`: publish a body, await the reply body."""

    @property
    def ready(self) -> bool: ...

    async def request(
        self,
        queue: str,
        body: bytes,
        *,
        reply_within: float,
        expiration: float | None = None,
        message_type: str | None = None,
        correlation_id: str | None = None,
    ) -> bytes: ...


@dataclass(slots=True)
class _Waiting:
    """A caller's command; `reply` is cancelled when the caller gives up."""

    command: BaseModel
    correlation_id: str
    deadline: float
    reply: asyncio.Future[RpcReply]


@dataclass
class _Lane:
    """One queue: the commands waiting for a slot, and the messages outstanding."""

    waiting: deque[_Waiting] = field(default_factory=deque)
    in_flight: int = 0

    def take(self, most: int) -> list[_Waiting]:
        batch: list[_Waiting] = []
        while self.waiting and len(batch) < most:
            waiting = self.waiting.popleft()
            if not waiting.reply.done():
                batch.append(waiting)
        return batch


class WalletBatcher:
    """An `rpc.Rpc` for wallet commands: `call` answers one command, carried in batches."""

    def __init__(
        self,
        publisher: Publisher,
        *,
        max_in_flight: int,
        max_commands: int = MAX_BATCH_COMMANDS,
    ) -> None:
        self._publisher = publisher
        self._max_in_flight = max_in_flight
        self._max_commands = max_commands
        self._lanes: dict[str, _Lane] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def ready(self) -> bool:
        return self._publisher.ready

    async def call(
        self, queue: str, command: BaseModel, *, reply_within: float, correlation_id: str
    ) -> RpcReply:
        """The reply to `command`, within `reply_within` seconds of this call, or
        WalletUnavailableError as `RpcClient.call` raises it."""
        if self._closed or not self._publisher.ready:
            raise WalletUnavailableError(_UNREACHABLE)
        loop = asyncio.get_running_loop()
        waiting = _Waiting(
            command, correlation_id, loop.time() + reply_within, loop.create_future()
        )
        lane = self._lanes.setdefault(queue, _Lane())
        lane.waiting.append(waiting)
        self._dispatch(queue, lane)
        try:
            async with asyncio.timeout_at(waiting.deadline):
                return await waiting.reply
        except TimeoutError:
            log.warning("no reply within %ss", reply_within, extra={"queue": queue})
            raise WalletUnavailableError(
                f"The casino did not answer within {reply_within:g}s"
            ) from None

    async def close(self) -> None:
        """Fail whatever is waiting or outstanding: the connection is about to close."""
        self._closed = True
        for task in self._sending:
            task.cancel()
        await asyncio.gather(*self._sending, return_exceptions=True)
        for lane in self._lanes.values():
            _fail(lane.take(len(lane.waiting)), WalletUnavailableError(_UNREACHABLE))

    def _dispatch(self, queue: str, lane: _Lane) -> None:
        """Fill the queue's free slots with what waits, oldest first."""
        while lane.in_flight < self._max_in_flight and not self._closed:
            batch = lane.take(self._max_commands)
            if not batch:
                return
            lane.in_flight += 1
            # An empty context: the message serves many requests, so its log lines must not
            # carry the correlation id of whichever request happened to start it.
            task = asyncio.create_task(
                self._send(queue, lane, batch), context=contextvars.Context()
            )
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, queue: str, lane: _Lane, batch: list[_Waiting]) -> None:
        metrics.WALLET_BATCH_COMMANDS.observe(len(batch))
        try:
            replies = await self._round_trip(queue, batch)
        except WalletUnavailableError as unavailable:
            _fail(batch, unavailable)
        except Exception:
            # An unreadable reply (a worker bug) or a bug here: every caller is answered 500
            # INTERNAL_ERROR rather than left to time out; the trace is logged once.
            log.exception(
                "no replies for a message of %d commands", len(batch), extra={"queue": queue}
            )
            _fail(batch, GatewayError())
        except asyncio.CancelledError:
            _fail(batch, WalletUnavailableError(_UNREACHABLE))
            raise
        else:
            for waiting, reply in zip(batch, replies, strict=True):
                if not waiting.reply.done():
                    waiting.reply.set_result(reply)
        finally:
            lane.in_flight -= 1
            self._dispatch(queue, lane)

    async def _round_trip(self, queue: str, batch: list[_Waiting]) -> list[RpcReply]:
        now = asyncio.get_running_loop().time()
        expiration = max(min(w.deadline for w in batch) - now, _SHORTEST_EXPIRATION_SECONDS)
        reply_within = round(max(w.deadline for w in batch) - now + _AFTER_LAST_CALLER_SECONDS, 3)
        if len(batch) == 1:
            [only] = batch
            body = await self._publisher.request(
                queue,
                only.command.model_dump_json(by_alias=True).encode(),
                reply_within=reply_within,
                expiration=expiration,
                correlation_id=only.correlation_id,
            )
            return [RpcReply.model_validate_json(body)]
        body = await self._publisher.request(
            queue,
            batch_body([(w.correlation_id, w.command) for w in batch]),
            reply_within=reply_within,
            expiration=expiration,
            message_type=WALLET_BATCH_TYPE,
        )
        return replies_to_batch(body, len(batch))


def _fail(batch: list[_Waiting], error: GatewayError) -> None:
    # A fresh exception per caller: each is raised in its own task, with its own traceback.
    for waiting in batch:
        if not waiting.reply.done():
            waiting.reply.set_exception(type(error)(error.body.error))
