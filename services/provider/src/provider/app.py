"""The provider's FastAPI application: `create_app` wires settings, routes and errors;
the lifespan builds the resources (database engine, the casino's HTTP client, the retry
queue running in the background) so that nothing connects at import time and a test can
point an app at any database or casino.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from contracts.http_serving import EveryRequest
from provider import metrics
from provider.backoff import RetrySchedule
from provider.calls import open_calls
from provider.database import make_engine, make_session_factory
from provider.errors import install_error_handlers
from provider.resuming import Resumer, running
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
        sessions = make_session_factory(engine)
        try:
            async with open_calls(settings, sessions, casino_http_transport) as calls:
                app.state.round_table = RoundTable(calls)
                queue = Resumer(calls, RetrySchedule.from_settings(settings))
                async with running(queue, settings.pending_resume_interval_seconds):
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
