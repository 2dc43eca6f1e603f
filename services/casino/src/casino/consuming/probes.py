"""The consumers' HTTP side: /health, /ready and /metrics, as routes of their FastStream
ASGI app (`casino.consuming.lifecycle`).

The wallet worker and the lobby serve no HTTP otherwise, but orchestrators need to ask
whether they are alive and ready, and Prometheus needs their metrics. The routes run on
the consumer's own event loop, so readiness checks use the consumer's own database pool
and broker.

- /health: 200 while the process serves.
- /ready: 200 when every check passes, else 503; the body names each check.
- /metrics: the Prometheus exposition (`prometheus_client`'s ASGI app), after `refresh`
  (queue depths) has run.
"""

import logging
from collections.abc import Awaitable, Callable

from faststream.asgi import AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.asgi.types import ASGIApp, Receive, Scope, Send
from prometheus_client import make_asgi_app

log = logging.getLogger(__name__)

ReadinessChecks = Callable[[], Awaitable[dict[str, bool]]]
Refresh = Callable[[], Awaitable[None]]


def probe_routes(
    service: str, checks: ReadinessChecks, refresh: Refresh
) -> list[tuple[str, ASGIApp]]:
    """The three routes, for `AsgiFastStream(asgi_routes=…)`."""

    @get(include_in_schema=False)
    async def health(scope: Scope) -> AsgiResponse:
        return JSONResponse({"status": "ok", "service": service})

    @get(include_in_schema=False)
    async def ready(scope: Scope) -> AsgiResponse:
        results = await checks()
        passed = all(results.values())
        body = {"status": "ready" if passed else "not ready", "checks": results}
        return JSONResponse(body, status_code=200 if passed else 503)

    exposition = make_asgi_app()

    async def metrics(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await refresh()
        except Exception as error:  # the metrics already held are still worth serving
            log.warning("refreshing metrics failed: %r", error)
        await exposition(scope, receive, send)

    return [("/health", health), ("/ready", ready), ("/metrics", metrics)]
