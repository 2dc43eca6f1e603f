"""What /ready and /metrics of a casino consumer look at: its database and its broker.

Both use the consumer's own engine and broker, so "ready" means exactly that this
process can take a command and apply it.
"""

import asyncio
from collections.abc import Awaitable, Callable

from faststream.rabbit import RabbitBroker, RabbitQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from casino.consuming import metrics
from casino.consuming.probes import ReadinessChecks, Refresh
from casino.database import LedgerPool, SessionFactory

CHECK_TIMEOUT_SECONDS = 2.0
Ping = Callable[[], Awaitable[object]]


def readiness(sessions: SessionFactory | LedgerPool, broker: RabbitBroker) -> ReadinessChecks:
    """Checks that the database (through the ORM's sessions or the wallet's own pool) and
    the broker answer."""
    ping = (
        _session_ping(sessions)
        if isinstance(sessions, async_sessionmaker)
        else _pool_ping(sessions)
    )

    async def checks() -> dict[str, bool]:
        database, broker_up = await asyncio.gather(
            _answers(ping), broker.ping(timeout=CHECK_TIMEOUT_SECONDS)
        )
        return {"database": database, "broker": broker_up}

    return checks


def _session_ping(sessions: SessionFactory) -> Ping:
    async def ping() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))

    return ping


def _pool_ping(pool: LedgerPool) -> Ping:
    return lambda: pool.fetchval("SELECT 1")


async def _answers(ping: Ping) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await ping()
    except Exception:
        return False
    return True


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
