"""Alembic's environment for the provider database, run through an async (asyncpg) engine.

The URL comes from `provider.database.migrate` (`config.attributes["database_url"]`). A
transaction-scoped advisory lock makes concurrent migrators take turns, so the second
finds the schema already at head.
"""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from provider.models import Base

MIGRATION_LOCK = 0x7072_6F76_6964  # "provid"


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
