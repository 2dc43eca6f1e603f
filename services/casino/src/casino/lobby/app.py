"""The lobby as a process: a FastStream app consuming the lobby queue (`casino.lobby`).

`run(settings)` is what `casino lobby` calls. The broker factory takes the queue name and
the app reads it from the settings (`LOBBY_QUEUE`), so tests run a lobby of their own.

Acknowledgement: as in the wallet worker, a command is acked once its reply is published;
if the reply cannot be published, NACK_ON_ERROR requeues the command rather than drop it.
A requeued simulateRound is answered without being played again (see `handlers`). A
command that fails again after redelivery is dead-lettered (`casino.consuming.dead_letter`).

`casino lobby` also serves /health, /ready and /metrics on LOBBY_PROBES_PORT.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from faststream import ContextRepo, FastStream
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker

from casino.consuming.dead_letter import DeadLetterRepeatedFailures
from casino.consuming.health import queue_depths, readiness
from casino.consuming.probes import Probes, serving_probes
from casino.consuming.queues import command_queue, dead_letter_queue, declare_dead_letters
from casino.lobby.handlers import handle_lobby_command, raw_body
from casino.lobby.provider_client import SIMULATE_TIMEOUT_SECONDS
from casino.lobby.resources import open_lobby
from casino.settings import CasinoSettings
from contracts.topology import LOBBY_QUEUE

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
    broker = RabbitBroker(
        amqp_url,
        graceful_timeout=GRACEFUL_TIMEOUT_SECONDS,
        logger=log,
        middlewares=[DeadLetterRepeatedFailures],
    )
    broker.subscriber(
        command_queue(queue),
        channel=Channel(prefetch_count=prefetch),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=raw_body,
    )(handle_lobby_command)
    return broker


def build_app(settings: CasinoSettings, *, probes: bool = False) -> FastStream:
    """The lobby on `settings.lobby_queue`; its resources are built in the lifespan. With
    `probes`, it serves /health, /ready and /metrics too (tests leave them off)."""
    broker = build_broker(settings.amqp_url, settings.lobby_queue)

    @asynccontextmanager
    async def lifespan(context: ContextRepo) -> AsyncIterator[None]:
        async with open_lobby(settings) as lobby, AsyncExitStack() as stack:
            context.set_global("lobby", lobby)
            if probes:
                depths = queue_depths(
                    broker,
                    [command_queue(settings.lobby_queue), dead_letter_queue(settings.lobby_queue)],
                )
                served = Probes("casino-lobby", readiness(lobby.sessions, broker), depths)
                await stack.enter_async_context(
                    serving_probes(served, settings.probes_host, settings.lobby_probes_port)
                )
            log.info("lobby consuming", extra={"queue": settings.lobby_queue})
            yield

    async def declare_topology() -> None:
        await declare_dead_letters(broker, settings.lobby_queue)

    return FastStream(broker, lifespan=lifespan, logger=log, after_startup=[declare_topology])


def run(settings: CasinoSettings) -> None:
    """Consume lobby commands until SIGINT or SIGTERM, then let rounds in flight finish."""
    asyncio.run(build_app(settings, probes=True).run())
