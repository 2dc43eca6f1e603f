"""Alembic's environment for the casino database, run through an async (asyncpg) engine.

The URL comes from `casino.database.migrate` (`config.attributes["database_url"]`). A
transaction-scoped advisory lock makes concurrent migrators (several containers starting
at once) take turns, so the second finds the schema already at head.
"""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from casino.models import Base

MIGRATION_LOCK = 0x6361_7369_6E6F  # "casino"


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


async def _run_online(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


asyncio.run(_run_online(context.config.attributes["database_url"]))
