"""Read-only database access for the audit: it must never be able to move money."""

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def read_only_engine(database_url: str) -> AsyncEngine:
    """An engine whose every transaction is READ ONLY; plain `postgresql://` URLs too."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
    return create_async_engine(
        url,
        pool_size=1,
        connect_args={"server_settings": {"default_transaction_read_only": "on"}},
    )
