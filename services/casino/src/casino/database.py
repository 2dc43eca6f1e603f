"""How the casino reaches its PostgreSQL database: engines, sessions and migrations.

Nothing connects at import time; callers build an engine from a URL in their lifespan
(the worker, the CLI, a test), so any of them can point at any database.
"""

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]

# A wallet command's transaction takes milliseconds. One left idle and open longer than
# this has been abandoned by its client (a bug, a hung process): the server ends it, so it
# can never hold a wallet's row lock for long. A safety net; no code path relies on it.
IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000


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


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    # Committed rows are not reloaded: every command reads what it needs afresh.
    return async_sessionmaker(engine, expire_on_commit=False)


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
