"""What every page needs, built once when the back office starts and closed when it stops:
the casino's database, the links to the providers (a free-round grant calls the game's
provider, as the lobby does), the provider's database when configured (read-only), and
the templates.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.templating import Jinja2Templates

from casino.audit.readonly import read_only_engine
from casino.backoffice.money import Money
from casino.backoffice.settings import BackOfficeSettings
from casino.currencies.catalogue import supported_currencies
from casino.database import Database, make_database, make_engine
from casino.lobby.provider_links import ProviderLinks, provider_links

# Operators click; they do not flood. A few connections serve a whole back office.
POOL_SIZE = 4


@dataclass(frozen=True)
class BackOffice:
    settings: BackOfficeSettings
    database: Database
    providers: ProviderLinks
    # The default provider's database, read-only; None when PROVIDER_DATABASE_URL is unset.
    provider_database: AsyncEngine | None
    templates: Jinja2Templates

    @property
    def set_by_prefix(self) -> str:
        return "backoffice:"

    async def money(self) -> Money:
        """Amounts written with the decimals of the casino's list (read at each page, so a
        currency added meanwhile shows at once)."""
        listed = await supported_currencies(self.database)
        return Money({currency.code: currency.decimals for currency in listed})


def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=str(files("casino.backoffice") / "templates"))


@asynccontextmanager
async def open_back_office(settings: BackOfficeSettings) -> AsyncIterator[BackOffice]:
    engine = make_engine(settings.casino_database_url.get_secret_value(), pool_size=POOL_SIZE)
    provider_url = settings.provider_database_url
    provider_engine = read_only_engine(provider_url.get_secret_value()) if provider_url else None
    database = make_database(engine)
    try:
        async with provider_links(settings, database) as providers:
            yield BackOffice(settings, database, providers, provider_engine, templates())
    finally:
        if provider_engine is not None:
            await provider_engine.dispose()
        await engine.dispose()
