"""What /ready and /metrics of a casino consumer look at: its database, its broker and its
queues.

Each uses the consumer's own pool and broker, so "ready" means exactly that this process
can take a command and apply it.
"""

import asyncio
from collections.abc import Awaitable, Callable

from faststream.rabbit import RabbitBroker, RabbitQueue
from sqlalchemy import text

from casino.consuming import metrics
from casino.consuming.probes import Refresh
from casino.database import Database, LedgerPool

CHECK_TIMEOUT_SECONDS = 2.0
Ping = Callable[[], Awaitable[object]]
"""A round trip to the database; it raises if the database does not answer."""


def pool_ping(pool: LedgerPool) -> Ping:
    """A ping through the wallet's own asyncpg pool."""
    return lambda: pool.fetchval("SELECT 1")


def orm_ping(database: Database) -> Ping:
    """A ping through the ORM (the lobby's)."""

    async def ping() -> None:
        async with database() as db:
            await db.execute(text("SELECT 1"))

    return ping


async def answers(ping: Ping | None) -> bool:
    """Whether `ping` answers in time (no ping yet: the resources are not open)."""
    if ping is None:
        return False
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await ping()
    except Exception:
        return False
    return True


async def broker_answers(broker: RabbitBroker) -> bool:
    return await broker.ping(timeout=CHECK_TIMEOUT_SECONDS)


def queue_depths(broker: RabbitBroker, queues: list[RabbitQueue]) -> Refresh:
    """Refreshes `casino_queue_messages` for `queues` (as declared by this process).

    A re-declaration with the queue's own arguments answers its message count; unlike a
    passive one, it cannot close the channel when the queue has gone (it recreates it).
    """

    async def refresh() -> None:
        for queue in queues:
            declared = await broker.declare_queue(queue)
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                result = await declared.declare()
            metrics.QUEUE_MESSAGES.labels(queue=queue.name).set(result.message_count or 0)

    return refresh
