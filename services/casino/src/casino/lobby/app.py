"""The lobby as a process: a consumer of the lobby queue (`casino.lobby`), with the same
broker and lifecycle as the wallet worker (`casino.consuming`).

`run(settings)` is what `casino lobby` calls. The app builder takes the queue name from
the settings (`LOBBY_QUEUE`), so tests run a lobby of their own.

As in the wallet worker, a command is acked once its reply is published, and one whose
reply could not be published is requeued; a requeued simulateRound is answered without
being played again (see `handlers`).
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from faststream import ContextRepo
from faststream.asgi import AsgiFastStream
from faststream.rabbit import RabbitBroker

from casino.consuming import lifecycle
from casino.consuming.broker import command_broker
from casino.consuming.health import Ping, orm_ping
from casino.lobby.handlers import handle_lobby_command
from casino.lobby.provider_client import SIMULATE_TIMEOUT_SECONDS
from casino.lobby.resources import open_lobby
from casino.providers.answering import answer_registry_questions
from casino.settings import CasinoSettings
from contracts.topology import LOBBY_QUEUE, registry_queue

log = logging.getLogger(__name__)

# Lobby commands spend most of their time waiting on the provider, not on this process,
# so several run at once (aio-pika runs each delivery as a task); the prefetch bounds how
# many are held unacknowledged.
LOBBY_PREFETCH = 16
# On shutdown, rounds in flight get to finish (the provider call is bounded) before the
# connection closes.
GRACEFUL_TIMEOUT_SECONDS = SIMULATE_TIMEOUT_SECONDS + 5


def build_broker(
    amqp_url: str,
    queue: str = LOBBY_QUEUE,
    prefetch: int = LOBBY_PREFETCH,
) -> RabbitBroker:
    """A broker whose subscribers answer lobby commands on the durable `queue`, and the
    gateways' questions for the provider registry beside it (`topology.registry_queue`)."""
    broker = command_broker(
        amqp_url,
        queue,
        handle_lobby_command,
        prefetch=prefetch,
        graceful_timeout=GRACEFUL_TIMEOUT_SECONDS,
        logger=log,
    )
    answer_registry_questions(broker, registry_queue(queue))
    return broker


def build_app(settings: CasinoSettings) -> AsgiFastStream:
    """The lobby on `settings.lobby_queue`; its resources are built in the lifespan."""

    @asynccontextmanager
    async def open_resources(context: ContextRepo) -> AsyncIterator[Ping]:
        async with open_lobby(settings) as lobby:
            context.set_global("lobby", lobby)
            yield orm_ping(lobby.database)

    return lifecycle.consumer_app(
        build_broker(settings.amqp_url.get_secret_value(), settings.lobby_queue),
        name="lobby",
        queue=settings.lobby_queue,
        resources=open_resources,
        logger=log,
    )


def run(settings: CasinoSettings) -> None:
    """Consume lobby commands until SIGINT or SIGTERM, then let rounds in flight finish;
    serve /health, /ready and /metrics on LOBBY_PROBES_PORT meanwhile."""
    lifecycle.run(
        lambda: build_app(settings), host=settings.probes_host, port=settings.lobby_probes_port
    )
