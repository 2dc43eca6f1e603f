"""The wallet worker: a FastStream RabbitMQ consumer of wallet commands.

The broker, its acknowledgement and dead-lettering are the casino consumers' own
(`casino.consuming.broker`), and so is the lifecycle: start, probes, and a graceful stop
that drains the commands in flight (`casino.consuming.lifecycle`). What is the wallet's:

A message is one command or a batch of them (AMQP type `wallet.batch`, sent by the
gateway under load); a batch is decided in one database transaction and answered in one
reply message (`casino.wallet.handlers`), so both the broker's and the database's
per-operation costs are paid once per batch. A command is acked only after its
transaction committed and its reply was published; a worker that dies before then
leaves it unacked, RabbitMQ redelivers it, and idempotency answers the redelivery from
the ledger.

A command's database work is shielded from cancellation. When the broker connection
drops, or shutdown outlasts its grace period, aio-pika cancels the handler tasks; the
command's transaction then still commits or rolls back by its own logic instead of being
cut in the middle of a statement (which leans on asyncpg's cancel request and the pool's
reset to undo it, while the wallet's row lock is held). Only the reply is lost, and the
redelivered or retried command is answered from the ledger.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, TypeVar

import orjson
from faststream import ContextRepo
from faststream.asgi import AsgiFastStream
from faststream.rabbit import RabbitBroker, RabbitResponse
from faststream.rabbit.annotations import RabbitMessage

from casino.consuming import lifecycle, metrics
from casino.consuming.broker import command_broker
from casino.consuming.health import Ping, pool_ping
from casino.database import LedgerPool, ledger_pool
from casino.rounds.expiry import expire_periodically
from casino.settings import CasinoSettings
from casino.wallet.handlers import answer, answer_batch
from contracts.logs import CORRELATION_HEADER
from contracts.rpc import WALLET_BATCH_TYPE

log = logging.getLogger(__name__)
T = TypeVar("T")

SORTED = orjson.OPT_SORT_KEYS
# On shutdown, commands in flight get this long to commit and reply before the
# connection closes; any left unacknowledged are redelivered.
GRACEFUL_TIMEOUT_SECONDS = 10.0


def build_wallet_broker(
    amqp_url: str, pool: LedgerPool, *, queue: str, prefetch: int
) -> RabbitBroker:
    """A broker whose one subscriber answers wallet commands on the durable `queue`."""

    async def handle_wallet_command(message: RabbitMessage) -> RabbitResponse:
        correlation_id = message.headers.get(CORRELATION_HEADER) or message.correlation_id
        if message.raw_message.redelivered:
            metrics.REDELIVERED.labels(queue=queue).inc()
        if message.raw_message.type == WALLET_BATCH_TYPE:
            work = answer_batch(pool, message.body)
        else:
            work = answer(pool, message.body, correlation_id)
        reply = await _finish_even_if_cancelled(work)
        # Sorted keys: a replay (read back from JSONB) is then byte for byte the first reply.
        body = orjson.dumps(reply.model_dump(mode="json", exclude_none=True), option=SORTED)
        return RabbitResponse(body, content_type="application/json")

    return command_broker(
        amqp_url,
        queue,
        handle_wallet_command,
        prefetch=prefetch,
        graceful_timeout=GRACEFUL_TIMEOUT_SECONDS,
        logger=log,
    )


_unfinished: set[asyncio.Task[Any]] = set()


async def _finish_even_if_cancelled(work: Coroutine[Any, Any, T]) -> T:
    """Await `work` in a task of its own that a cancellation of the caller does not stop."""
    task = asyncio.ensure_future(work)
    _unfinished.add(task)  # held, so a task whose caller was cancelled is not collected
    task.add_done_callback(_unfinished.discard)
    return await asyncio.shield(task)


def build_wallet_app(settings: CasinoSettings) -> AsgiFastStream:
    """The wallet worker on `settings.wallet_queue`. Call it on the loop that will run it:
    its pool is made here (without connecting) and opened in the app's lifespan."""
    pool = ledger_pool(
        settings.casino_database_url.get_secret_value(),
        size=settings.database_pool_size,
        time_zone=settings.loss_limit_time_zone,
    )
    broker = build_wallet_broker(
        settings.amqp_url.get_secret_value(),
        pool,
        queue=settings.wallet_queue,
        prefetch=settings.wallet_prefetch,
    )

    @asynccontextmanager
    async def open_pool(context: ContextRepo) -> AsyncIterator[Ping]:
        await pool
        # The worker also expires rounds left open too long (any number of workers may).
        expiring = asyncio.create_task(
            expire_periodically(
                pool,
                older_than=timedelta(hours=settings.round_expiry_hours),
                every_seconds=settings.round_expiry_check_seconds,
            )
        )
        try:
            yield pool_ping(pool)
        finally:
            expiring.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await expiring
            await pool.close()

    return lifecycle.consumer_app(
        broker, name="wallet worker", queue=settings.wallet_queue, resources=open_pool, logger=log
    )


def run(settings: CasinoSettings) -> None:
    """Consume wallet commands until SIGINT or SIGTERM, then drain and close; serve
    /health, /ready and /metrics on WALLET_PROBES_PORT meanwhile."""
    lifecycle.run(
        lambda: build_wallet_app(settings),
        host=settings.probes_host,
        port=settings.wallet_probes_port,
    )
