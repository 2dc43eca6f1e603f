"""What every lobby command needs, built once when the lobby starts and closed when it
stops: the database and the links to the providers (one HTTP client for all of them).
Nothing here is built at import time, so a test can point a lobby at any database and
any provider.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from casino.database import Database, make_database, make_engine
from casino.lobby.provider_links import ProviderLinks, provider_links
from casino.settings import CasinoSettings

# A lobby command holds a database connection only briefly (never across the provider
# call), so a small pool serves many rounds in flight.
LOBBY_POOL_SIZE = 5


@dataclass(frozen=True)
class Lobby:
    casino_code: str
    database: Database
    providers: ProviderLinks
    # A raised or removed player limit applies this long after it is set
    # (LIMIT_COOLING_OFF_SECONDS; 24 h unless set).
    limit_cooling_off_seconds: float = 24 * 3600


@asynccontextmanager
async def open_lobby(settings: CasinoSettings) -> AsyncIterator[Lobby]:
    engine = make_engine(settings.casino_database_url.get_secret_value(), pool_size=LOBBY_POOL_SIZE)
    database = make_database(engine)
    try:
        async with provider_links(settings, database) as providers:
            yield Lobby(
                settings.casino_code, database, providers, settings.limit_cooling_off_seconds
            )
    finally:
        await engine.dispose()
