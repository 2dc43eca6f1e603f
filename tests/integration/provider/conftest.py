"""The provider app over the session's real PostgreSQL database, calling an in-process
fake casino wallet; and signed requests to it, as the casino would send them."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from contracts.signing import PROVIDER_SIGNATURE_HEADER, signature_headers
from provider.app import create_app
from provider.calls import Calls
from provider.database import make_engine, make_session_factory
from provider.seed import seed
from provider.settings import ProviderSettings
from tests.conftest import fresh_migrated_database
from tests.integration.provider.fake_casino import FakeCasino
from tests.support.infrastructure import plain_url

CASINO_SECRET = "integration-casino-secret"
PROVIDER_SECRET = "integration-provider-secret"


@dataclass
class Provider:
    """A running provider app, the fake casino it calls, and a signed way in; its settings
    and money calls, for tests that drive the retry queue themselves."""

    http: httpx.AsyncClient
    casino: FakeCasino
    settings: ProviderSettings
    calls: Calls

    async def post(
        self, path: str, body: dict[str, Any], secret: str = PROVIDER_SECRET
    ) -> httpx.Response:
        raw = httpx.Request("POST", "/", json=body).content
        headers = signature_headers(raw, secret, PROVIDER_SIGNATURE_HEADER)
        return await self.http.post(path, content=raw, headers=headers)

    async def launch(
        self, token: str, player: str, balance: int, game: str = "demo-slots"
    ) -> httpx.Response:
        self.casino.open_wallet(token, balance)
        return await self.post(
            "/provider/launch",
            {
                "casinoCode": "demo-casino",
                "playerId": player,
                "gameId": game,
                "sessionToken": token,
                "currency": "USD",
                "balance": balance,
            },
        )

    async def simulate(self, token: str, actions: list[dict[str, Any]]) -> httpx.Response:
        return await self.post(
            "/provider/simulate",
            {
                "casinoCode": "demo-casino",
                "sessionToken": token,
                "gameId": "demo-slots",
                "actions": actions,
            },
        )


ProviderFactory = Callable[..., AbstractAsyncContextManager[Provider]]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def seeded_provider_database(postgres_admin_url: str) -> AsyncIterator[str]:
    """A provider database of these tests alone. Not the session's shared one: the e2e
    suite's provider process lives as long as the session and runs its retry queue over
    that one, so it would send (and settle) the calls these tests leave pending on purpose."""
    async for url in fresh_migrated_database(postgres_admin_url, "provider", "provider_it"):
        engine = make_engine(url)
        async with make_session_factory(engine)() as db:
            await seed(db)
        await engine.dispose()
        yield url


@pytest.fixture
def start_provider(seeded_provider_database: str) -> ProviderFactory:
    """Start a provider app (lifespan and all) with some settings changed, calling a new
    fake casino or the one given."""

    @asynccontextmanager
    async def start(casino: FakeCasino | None = None, **overrides: Any) -> AsyncIterator[Provider]:
        settings = ProviderSettings(
            **{
                "environment": "development",
                "provider_database_url": seeded_provider_database,
                "provider_secret": PROVIDER_SECRET,
                "casino_secret": CASINO_SECRET,
                "casino_url": "http://casino",
                "casino_retry_attempts": 3,
                "casino_retry_initial_backoff_seconds": 0.001,
                "casino_retry_max_backoff_seconds": 0.001,
                "unknown_debit_rollback_attempts": 5,
                # The retry queue runs only where a test starts it: rows left pending on
                # purpose by one test must not be sent by another test's provider.
                "pending_resume_interval_seconds": 0,
                **overrides,
            }
        )
        casino = casino or FakeCasino(CASINO_SECRET)
        app = create_app(settings, casino_http_transport=httpx.ASGITransport(app=casino.app()))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://provider"
            ) as http,
        ):
            yield Provider(http, casino, settings, app.state.round_table.calls)

    return start


@pytest_asyncio.fixture(loop_scope="session")
async def provider(start_provider: ProviderFactory) -> AsyncIterator[Provider]:
    async with start_provider() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def db(seeded_provider_database: str) -> AsyncIterator[asyncpg.Connection]:
    """A plain connection to the provider database, to check what was recorded."""
    connection = await asyncpg.connect(plain_url(seeded_provider_database))
    yield connection
    await connection.close()
