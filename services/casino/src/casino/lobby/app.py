"""The lobby as a process: a FastStream app consuming `casino.lobby`.

`run(settings)` is what `casino lobby` calls. The broker and app factories take the queue
name, so tests can run a lobby on a queue of their own.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from faststream import ContextRepo, FastStream
from faststream.rabbit import Channel, RabbitBroker, RabbitQueue

from casino.lobby.handlers import handle_lobby_command, raw_body
from casino.lobby.provider_client import SIMULATE_TIMEOUT_SECONDS
from casino.lobby.resources import open_lobby
from casino.settings import CasinoSettings
from contracts.rpc import LOBBY_QUEUE

# Lobby commands spend most of their time waiting on the provider, not on this process,
# so several run at once; the prefetch bounds how many (unacknowledged) are held.
LOBBY_PREFETCH = 16
# On shutdown, let rounds in flight finish (the provider call is bounded) before the
# connection closes; an interrupted simulateRound is not replayed (see handlers).
GRACEFUL_TIMEOUT_SECONDS = SIMULATE_TIMEOUT_SECONDS + 5


def build_broker(
    amqp_url: str, queue: str = LOBBY_QUEUE, prefetch: int = LOBBY_PREFETCH
) -> RabbitBroker:
    broker = RabbitBroker(
        amqp_url,
        default_channel=Channel(prefetch_count=prefetch),
        graceful_timeout=GRACEFUL_TIMEOUT_SECONDS,
    )
    broker.subscriber(RabbitQueue(queue, durable=True), decoder=raw_body)(handle_lobby_command)
    return broker


def build_app(settings: CasinoSettings, queue: str = LOBBY_QUEUE) -> FastStream:
    @asynccontextmanager
    async def lifespan(context: ContextRepo) -> AsyncIterator[None]:
        async with open_lobby(settings) as lobby:
            context.set_global("lobby", lobby)
            yield

    return FastStream(build_broker(settings.amqp_url, queue), lifespan=lifespan)


def run(settings: CasinoSettings) -> None:
    """Consume lobby commands until SIGINT or SIGTERM."""
    asyncio.run(build_app(settings).run())
