"""How the provider reaches its PostgreSQL database: engines, sessions and migrations.

Nothing connects at import time; the app's lifespan, the CLI and the tests build an engine
from a URL, so any of them can point at any database.
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


def make_engine(database_url: str) -> AsyncEngine:
    return create_async_engine(database_url, pool_pre_ping=True)


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    # Committed rows are not reloaded: every step reads what it needs afresh.
    return async_sessionmaker(engine, expire_on_commit=False)


def migrate(database_url: str) -> None:
    """Bring the database at `database_url` to the newest schema (`alembic upgrade head`).

    Safe on a database already at head, and from several processes at once (the migration
    environment holds an advisory lock). It runs its own event loop, so call it from
    synchronous code or `asyncio.to_thread`.
    """
    config = Config()
    config.set_main_option("script_location", str(files("provider") / "migrations"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, "head")
