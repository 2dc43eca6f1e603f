"""How the casino reaches its PostgreSQL database: the ORM's `Database`, the wallet's own
`LedgerPool`, and migrations.

Nothing connects at import time; callers build an engine from a URL in their lifespan
(the worker, the CLI, a test), so any of them can point at any database.
"""

import asyncio
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import TypeAlias, TypeVar

import asyncpg
import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")
Database = async_sessionmaker[AsyncSession]
"""The casino database through the ORM: `async with database.begin() as db` is one
transaction. (SQLAlchemy calls this a session factory; here "session" means a game
session only.)"""
LedgerPool: TypeAlias = asyncpg.Pool
"""The wallet's own connections: plain asyncpg, without the ORM.

A batch of wallet commands is a handful of set-based statements, and on this path
SQLAlchemy's execution machinery cost several times the CPU of asyncpg itself
(docs/PERFORMANCE.md has the figures). Everything else
(the lobby, seeding, the audit, migrations) keeps the ORM.
"""

# A wallet command's transaction takes milliseconds. One left idle and open longer than
# this has been abandoned by its client (a bug, a hung process): the server ends it, so it
# can never hold a wallet's row lock for long. A safety net; no code path relies on it.
IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000
# A database that does not answer a connection attempt within this is reported down (the
# command is answered WALLET_UNAVAILABLE), rather than holding the command for a minute.
CONNECT_TIMEOUT_SECONDS = 5.0


def make_engine(database_url: str, *, pool_size: int = 5) -> AsyncEngine:
    """An asyncpg engine; `pool_size` bounds how many commands touch the database at once."""
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "idle_in_transaction_session_timeout": str(IDLE_IN_TRANSACTION_TIMEOUT_MS)
            }
        },
    )


async def open_ledger_pool(
    database_url: str, *, size: int = 5, time_zone: str = "UTC"
) -> LedgerPool:
    """`ledger_pool`, opened."""
    opened: LedgerPool = await ledger_pool(database_url, size=size, time_zone=time_zone)
    return opened


def ledger_pool(database_url: str, *, size: int = 5, time_zone: str = "UTC") -> LedgerPool:
    """An asyncpg pool for the wallet (`database_url` in SQLAlchemy's form is accepted),
    not yet opened (`await` it): no I/O, but it belongs to the running event loop.

    It connects lazily: a worker starts, and says it is not ready, while the database is
    down. JSONB is read and written as Python values. Its connections' time zone is the
    loss-limit time zone: the database's `current_date` is then the player's calendar day
    that loss limits count (timestamps are read and written in UTC whatever it is).
    """
    return asyncpg.create_pool(
        database_url.replace("postgresql+asyncpg://", "postgresql://", 1),
        min_size=0,
        max_size=size,
        init=_json_codecs,
        reset=_end_an_open_transaction,
        timeout=CONNECT_TIMEOUT_SECONDS,
        server_settings={
            "idle_in_transaction_session_timeout": str(IDLE_IN_TRANSACTION_TIMEOUT_MS),
            "TimeZone": time_zone,
            # The ledger grows from empty. A generic plan of a prepared statement, fixed
            # while the table was small, kept seq-scanning it as it grew, and the batch
            # read slowed with the ledger's size. A plan per execution costs far less
            # (docs/PERFORMANCE.md has both figures).
            "plan_cache_mode": "force_custom_plan",
        },
    )


async def _end_an_open_transaction(connection: asyncpg.Connection) -> None:
    """What a connection needs on its way back to the pool: nothing, unless a transaction
    was left open, which asyncpg's own reset rolls back.

    asyncpg's default reset is a round trip after every batch (unlock advisory locks,
    close cursors, unlisten, reset settings) for state the wallet never leaves behind: its
    advisory locks end with their transaction, and it opens no cursors, listens to
    nothing and sets nothing after connecting.
    """
    if connection.is_in_transaction():
        await connection.reset()


async def _json_codecs(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, encoder=_json_text, decoder=orjson.loads, schema="pg_catalog"
        )


def _json_text(value: object) -> str:
    return orjson.dumps(value).decode()


def make_database(engine: AsyncEngine) -> Database:
    # Committed rows are not reloaded: every command reads what it needs afresh.
    return async_sessionmaker(engine, expire_on_commit=False)


def run_with_database(database_url: str, use: Callable[[Database], Awaitable[T]]) -> T:
    """Run `use` on a one-connection `Database` in an event loop of its own, for a
    command line tool; the engine is disposed of afterwards."""

    async def run() -> T:
        engine = make_engine(database_url, pool_size=1)
        try:
            return await use(make_database(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def migrate(database_url: str) -> None:
    """Bring the database at `database_url` to the newest schema (`alembic upgrade head`).

    Safe to call on a database that is already up to date, and from several processes at
    once: the migration environment holds an advisory lock while it works. It runs its own
    event loop, so call it from synchronous code (or `asyncio.to_thread`).
    """
    config = Config()
    config.set_main_option("script_location", str(files("casino") / "migrations"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, "head")
