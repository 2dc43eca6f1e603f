"""The wallet worker: a FastStream RabbitMQ consumer of wallet commands.

Acknowledgement (FastStream 0.7, read from its source): the subscriber publishes the
returned reply to `reply_to`, with the command's `correlation_id`, inside the message's
processing scope; the acknowledgement middleware acks when that scope exits cleanly. So
a command is acked only after its transaction committed and its reply was published
(with publisher confirms). A worker that dies before then leaves the message unacked, so
RabbitMQ redelivers it, and idempotency answers the redelivery from the ledger. If the
reply cannot be published, NACK_ON_ERROR requeues the command rather than dropping it.

A message is one command or a batch of them (AMQP type `wallet.batch`, sent by the
gateway under load); a batch is decided in one database transaction and answered in one
reply message (`casino.wallet.handlers`), so both the broker's and the database's per-operation
costs are paid once per batch.

Prefetch bounds how many messages one worker holds unacknowledged; each runs in its own
task (aio-pika dispatches every delivery as a task), so that many run at once.

A command that fails outside its handler (its reply could not be published) is requeued
once, and dead-lettered if it fails again after redelivery (`casino.consuming.dead_letter`).

Shutdown (FastStream 0.7, read from its source and checked by
tests/e2e/test_graceful_shutdown.py): on SIGTERM the subscriber stops taking new
deliveries (one that arrives now is left unacknowledged), waits up to the graceful
timeout for the commands in flight to commit, reply and be acked, then cancels its
consumer and closes the channel; RabbitMQ then requeues whatever it had delivered but
not been acknowledged, for the other workers.

A command's database work is shielded from cancellation. When the broker connection
drops, or shutdown outlasts its grace period, aio-pika cancels the handler tasks; the
command's transaction then still commits or rolls back by its own logic instead of being
cut in the middle of a statement (which leans on asyncpg's cancel request and the pool's
reset to undo it, while the wallet's row lock is held). Only the reply is lost, and the
redelivered or retried command is answered from the ledger.
"""

import asyncio
import logging
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

import orjson
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitResponse
from faststream.rabbit.annotations import RabbitMessage

from casino.consuming import metrics
from casino.consuming.dead_letter import DeadLetterRepeatedFailures
from casino.consuming.health import queue_depths, readiness
from casino.consuming.probes import Probes, serving_probes
from casino.consuming.queues import command_queue, dead_letter_queue, declare_dead_letters
from casino.database import LedgerPool, open_ledger_pool
from casino.settings import CasinoSettings
from casino.wallet.handlers import answer, answer_batch
from contracts.rpc import WALLET_BATCH_TYPE

log = logging.getLogger(__name__)
T = TypeVar("T")

CORRELATION_HEADER = "x-correlation-id"
SORTED = orjson.OPT_SORT_KEYS
# On shutdown, commands in flight get this long to commit and reply before the
# connection closes; any left unacknowledged are redelivered.
GRACEFUL_TIMEOUT_SECONDS = 10.0


def build_wallet_broker(
    amqp_url: str, pool: LedgerPool, *, queue: str, prefetch: int
) -> RabbitBroker:
    """A broker whose one subscriber answers wallet commands on the durable `queue`."""
    broker = RabbitBroker(
        amqp_url,
        graceful_timeout=GRACEFUL_TIMEOUT_SECONDS,
        logger=log,
        middlewares=[DeadLetterRepeatedFailures],
    )

    @broker.subscriber(
        command_queue(queue),
        channel=Channel(prefetch_count=prefetch),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_raw_body,
    )
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

    return broker


_unfinished: set[asyncio.Task[Any]] = set()


async def _finish_even_if_cancelled(work: Coroutine[Any, Any, T]) -> T:
    """Await `work` in a task of its own that a cancellation of the caller does not stop."""
    task = asyncio.ensure_future(work)
    _unfinished.add(task)  # held, so a task whose caller was cancelled is not collected
    task.add_done_callback(_unfinished.discard)
    return await asyncio.shield(task)


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    """The body as it came: the handler parses it, so even bytes that are not JSON get a
    reply (FastStream's own decoder would raise first, and the message be requeued).

    Async, though it awaits nothing: FastStream runs a synchronous decoder in a thread
    pool, and that hand-off to a thread and back cost every message two context switches."""
    body: bytes = message.body
    return body


async def serve(settings: CasinoSettings) -> None:
    """Consume wallet commands until SIGINT or SIGTERM, then drain and close; serve
    /health, /ready and /metrics on WALLET_PROBES_PORT meanwhile."""
    pool = await open_ledger_pool(settings.casino_database_url, size=settings.database_pool_size)
    broker = build_wallet_broker(
        settings.amqp_url,
        pool,
        queue=settings.wallet_queue,
        prefetch=settings.wallet_prefetch,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    checks = readiness(pool, broker)

    async def ready_unless_stopping() -> dict[str, bool]:
        return {**await checks(), "consuming": not stop.is_set()}

    depths = queue_depths(
        broker, [command_queue(settings.wallet_queue), dead_letter_queue(settings.wallet_queue)]
    )
    probes = Probes("casino-wallet-worker", ready_unless_stopping, depths)
    try:
        async with serving_probes(probes, settings.probes_host, settings.wallet_probes_port):
            async with broker:
                await broker.connect()
                await declare_dead_letters(broker, settings.wallet_queue)
                await broker.start()
                log.info("wallet worker consuming", extra={"queue": settings.wallet_queue})
                await stop.wait()
                log.info("stopping: draining the commands in flight")
            log.info("wallet worker stopped")
    finally:
        await pool.close()
