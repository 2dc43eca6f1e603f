"""One lifecycle for both casino consumers, the wallet worker and the lobby: a FastStream
ASGI app (`AsgiFastStream`) whose broker consumes the command queue and whose HTTP
routes are the probes, run by uvicorn on the consumer's probes port.

Start: the consumer's resources open (a database pool, an HTTP client), the broker
connects and its subscriber starts, the dead-letter queue is declared; then uvicorn
listens for /health, /ready and /metrics.

Stop, on SIGINT or SIGTERM (FastStream 0.7 and uvicorn, read from their source; checked
by tests/e2e/test_graceful_shutdown.py): uvicorn first closes the probes' listener, so
/ready stops answering at once and an orchestrator sends no more work; then the app shuts
down. Its subscriber stops taking deliveries (one that arrives now is left
unacknowledged), waits up to the broker's graceful timeout for the commands in flight to
commit, reply and be acked, then cancels its consumer and closes the channel; RabbitMQ
requeues whatever it had delivered and not seen acknowledged, for the other consumers.
The resources close last. (Readiness also says `consuming: false` from the moment the
drain begins, for a server whose listener outlives it, such as a test's.)
"""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from types import FrameType

import uvloop
from faststream import ContextRepo
from faststream.asgi import AsgiFastStream
from faststream.rabbit import RabbitBroker

from casino.consuming.health import Ping, answers, broker_answers, queue_depths
from casino.consuming.probes import probe_routes
from casino.consuming.queues import command_queue, dead_letter_queue, declare_dead_letters

Resources = Callable[[ContextRepo], AbstractAsyncContextManager[Ping]]
"""Opens what the consumer's handler needs (setting it in the FastStream context if the
handler takes it from there) and yields how to ping its database."""


@dataclass
class _State:
    database: Ping | None = None
    consuming: bool = False


def consumer_app(
    broker: RabbitBroker,
    *,
    name: str,
    queue: str,
    resources: Resources,
    logger: logging.Logger,
) -> AsgiFastStream:
    """The consumer `name` of `queue` as an app: `broker`'s subscriber, its `resources`
    opened around it, and the probes."""
    state = _State()

    async def checks() -> dict[str, bool]:
        database, broker_up = await asyncio.gather(answers(state.database), broker_answers(broker))
        return {"database": database, "broker": broker_up, "consuming": state.consuming}

    @asynccontextmanager
    async def lifespan(context: ContextRepo) -> AsyncIterator[None]:
        async with resources(context) as ping:
            state.database = ping
            yield
        logger.info(f"{name} stopped")

    async def started() -> None:
        await declare_dead_letters(broker, queue)
        state.consuming = True
        logger.info(f"{name} consuming", extra={"queue": queue})

    async def stopping() -> None:
        state.consuming = False
        logger.info("stopping: draining the commands in flight")

    depths = queue_depths(broker, [command_queue(queue), dead_letter_queue(queue)])
    return AsgiFastStream(
        broker,
        asgi_routes=probe_routes(f"casino-{name.replace(' ', '-')}", checks, depths),
        lifespan=lifespan,
        logger=logger,
        after_startup=[started],
        on_shutdown=[stopping],
    )


def run(build: Callable[[], AsgiFastStream], *, host: str, port: int) -> None:
    """Serve the app that `build` makes until SIGINT or SIGTERM, then drain and close.

    The app is built on the running loop (uvloop: a consumer's time is mostly the event
    loop's and the drivers'), since an asyncpg pool belongs to the loop it was made on.
    """
    # After its graceful shutdown uvicorn raises the signal it stopped on again, for the
    # handler that was there before it; Python's default would end the process as killed
    # by that signal. The drain is over by then, so the process ends as a clean exit (0).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _already_stopped)
    uvloop.run(_serve(build, host, port))


async def _serve(build: Callable[[], AsgiFastStream], host: str, port: int) -> None:
    app = build()
    # log_config None: keep the JSON logging; "false" is how FastStream passes it on.
    await app.run(
        run_extra_options={"host": host, "port": port, "log_config": None, "access_log": "false"}
    )


def _already_stopped(signum: int, frame: FrameType | None) -> None:
    """Nothing left to do: the consumer has drained and closed."""
