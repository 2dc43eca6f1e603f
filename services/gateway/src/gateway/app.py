"""The gateway application: `create_app` wires settings, resources, routes and errors.

Resources (the RPC client, the wallet batcher over it, the provider registry kept fresh
over it, the HTTP client that forwards to the provider) are built in the lifespan, never
at import time. A test can pass its own `rpc` (which then also takes the wallet commands,
unbatched), `registry` or `provider_http`; those are the caller's to start and close, and
no broker connection is opened for them. Given an `rpc` and no `registry`, the gateway
knows the default provider only (CASINO_SECRET), and never asks the casino.

The signed wallet callbacks are answered before FastAPI's middleware and routing
(`gateway.callbacks.fast_path`), by the same route code; everything else goes through
FastAPI. Every request, either way, is wrapped by `contracts.http_serving.EveryRequest`
(correlation id, metrics, last-resort 500). The path of a callback, module by module, is
written at the top of `gateway.callbacks`.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.types import ASGIApp

from contracts.http_serving import EveryRequest
from gateway import metrics
from gateway.callbacks import routes as wallet_callbacks
from gateway.callbacks.batching import WalletBatcher
from gateway.callbacks.fast_path import FastPath
from gateway.errors import install_error_handlers
from gateway.openapi import install_openapi
from gateway.providers import RegistryRefresher
from gateway.routes import health, lobby, operator, provider_forward
from gateway.rpc import Rpc, RpcClient
from gateway.settings import GatewaySettings

DESCRIPTION = (
    "The casino's one public HTTP entry. Wallet callbacks (`/casino/getBalance`, `debit`, "
    "`credit`, `rollback`, `endRound`) must carry `x-casino-signature`: the hex HMAC-SHA256 "
    "of the raw body (or of `<timestamp>.<body>` with `x-signature-timestamp`) with the callback "
    "secret of the provider named by `x-provider-code`; without that header, the default "
    "provider's, CASINO_SECRET. Every failure is `{success: false, error, code, retryable}`."
)

# The gateway's metrics are Prometheus (`gateway.metrics`); it configures no OpenTelemetry
# provider. Left on, FastAPI asks OpenTelemetry for its providers on every request (an
# environment lookup each), a measurable share of the gateway's CPU under load
# (docs/PERFORMANCE.md), to learn that none is configured.
NO_OPENTELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


def create_app(
    settings: GatewaySettings | None = None,
    *,
    rpc: Rpc | None = None,
    registry: RegistryRefresher | None = None,
    provider_http: httpx.AsyncClient | None = None,
) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            app.state.rpc = app.state.wallet_rpc = rpc
            app.state.registry = registry
            if rpc is None:
                client = RpcClient(settings.amqp_url.get_secret_value())
                stack.push_async_callback(client.close)
                await client.start()
                batcher = WalletBatcher(client, max_in_flight=settings.wallet_batches_in_flight)
                # Closed before the client (last in, first out): its callers fail cleanly.
                stack.push_async_callback(batcher.close)
                app.state.rpc, app.state.wallet_rpc = client, batcher
                if registry is None:
                    app.state.registry = RegistryRefresher(client, settings)
                    stack.push_async_callback(app.state.registry.close)
                    await app.state.registry.start()
            elif registry is None:
                app.state.registry = RegistryRefresher(None, settings)
            app.state.provider_http = provider_http
            if provider_http is None:
                app.state.provider_http = await stack.enter_async_context(
                    httpx.AsyncClient(
                        base_url=settings.provider_url, timeout=settings.provider_timeout_seconds
                    )
                )
            yield

    app = _GatewayApp(
        title="Casino gateway",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry=NO_OPENTELEMETRY,
    )
    app.state.settings = settings
    app.add_middleware(EveryRequest, answered=metrics.http_request_answered)
    install_error_handlers(app)
    routers = (
        wallet_callbacks.router,
        lobby.router,
        operator.router,
        provider_forward.router,
        health.router,
        metrics.router,
    )
    for router in routers:
        app.include_router(router)
    install_openapi(app)
    return app


class _GatewayApp(FastAPI):
    """The FastAPI app, with the signed wallet callbacks answered in front of it."""

    def build_middleware_stack(self) -> ASGIApp:
        return FastPath(super().build_middleware_stack(), wallet_callbacks.router.routes)
