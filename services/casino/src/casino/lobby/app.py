"""The lobby as a process: a FastStream app consuming the lobby queue (`casino.lobby`).

`run(settings)` is what `casino lobby` calls. The broker factory takes the queue name and
the app reads it from the settings (`LOBBY_QUEUE`), so tests run a lobby of their own.

Acknowledgement: as in the wallet worker, a command is acked once its reply is published;
if the reply cannot be published, NACK_ON_ERROR requeues the command rather than drop it.
A requeued simulateRound is answered without being played again (see `handlers`).
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from faststream import ContextRepo, FastStream
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitQueue

from casino.lobby.handlers import handle_lobby_command, raw_body
from casino.lobby.provider_client import SIMULATE_TIMEOUT_SECONDS
from casino.lobby.resources import open_lobby
from casino.settings import CasinoSettings
from contracts.rpc import LOBBY_QUEUE

log = logging.getLogger(__name__)

# Lobby commands spend most of their time waiting on the provider, not on this process,
# so several run at once (aio-pika runs each delivery as a task); the prefetch bounds how
# many are held unacknowledged.
LOBBY_PREFETCH = 16
# On shutdown, rounds in flight get to finish (the provider call is bounded) before the
# connection closes.
GRACEFUL_TIMEOUT_SECONDS = SIMULATE_TIMEOUT_SECONDS + 5


def build_broker(
    amqp_url: str, queue: str = LOBBY_QUEUE, prefetch: int = LOBBY_PREFETCH
) -> RabbitBroker:
    """A broker whose one subscriber answers lobby commands on the durable `queue`."""
    broker = RabbitBroker(amqp_url, graceful_timeout=GRACEFUL_TIMEOUT_SECONDS, logger=log)
    broker.subscriber(
        RabbitQueue(queue, durable=True),
        channel=Channel(prefetch_count=prefetch),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=raw_body,
    )(handle_lobby_command)
    return broker


def build_app(settings: CasinoSettings) -> FastStream:
    """The lobby on `settings.lobby_queue`; its resources are built in the lifespan."""

    @asynccontextmanager
    async def lifespan(context: ContextRepo) -> AsyncIterator[None]:
        async with open_lobby(settings) as lobby:
            context.set_global("lobby", lobby)
            log.info("lobby consuming", extra={"queue": settings.lobby_queue})
            yield

    return FastStream(
        build_broker(settings.amqp_url, settings.lobby_queue), lifespan=lifespan, logger=log
    )


def run(settings: CasinoSettings) -> None:
    """Consume lobby commands until SIGINT or SIGTERM, then let rounds in flight finish."""
    asyncio.run(build_app(settings).run())
