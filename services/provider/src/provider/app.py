"""The provider's FastAPI application: `create_app` wires settings, routes and errors;
the lifespan builds the resources (database engine, the casino's HTTP client) so that
nothing connects at import time and a test can point an app at any database or casino.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from contracts.http_serving import EveryRequest
from provider import metrics
from provider.casino_client import CasinoClient, RetryPolicy
from provider.database import make_engine, make_session_factory
from provider.errors import install_error_handlers
from provider.faults import casino_transport
from provider.rounds import RoundTable
from provider.routes import router
from provider.settings import ProviderSettings


def create_app(
    settings: ProviderSettings | None = None,
    *,
    casino_http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The provider app. `casino_http_transport` replaces the network under the casino
    client (tests mount a fake casino there); fault injection still wraps it."""
    settings = settings or ProviderSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.provider_database_url.get_secret_value())
        transport = casino_transport(
            settings.fault_lose_response_ratio, settings.fault_seed, casino_http_transport
        )
        async with httpx.AsyncClient(base_url=settings.casino_url, transport=transport) as http:
            casino = CasinoClient(
                http,
                settings.signing_secret,
                RetryPolicy.from_settings(settings),
                timestamped=settings.sign_with_timestamp,
            )
            app.state.round_table = RoundTable(
                make_session_factory(engine), casino, settings.unknown_debit_rollback_attempts
            )
            try:
                yield
            finally:
                await engine.dispose()

    app = FastAPI(title="game-provider", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(router)
    app.include_router(metrics.router)
    install_error_handlers(app)
    # Correlation id, metrics and the last-resort 500, for every request.
    app.add_middleware(EveryRequest, answered=metrics.http_request_answered)
    return app
