"""The gateway's Prometheus metrics, served on GET /metrics.

- `gateway_http_requests_total` / `gateway_http_request_seconds`: every request, by
  method, route template (not the raw path, so ids do not explode the label set) and
  status.
- `gateway_rpc_seconds`: the RabbitMQ round trip of each casino command, by queue,
  command and outcome (`ok` or the error code, WALLET_UNAVAILABLE for a timeout).
- `gateway_wallet_outcomes_total`: wallet callbacks answered, by command and code.
- `gateway_rpc_in_flight`: commands published and still awaiting their reply.
- `gateway_wallet_batch_commands`: wallet commands per message sent (`gateway.batching`);
  1 at low load, more when commands queue up behind the messages in flight.
"""

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_REQUESTS = Counter(
    "gateway_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "gateway_http_request_seconds", "Time to answer an HTTP request.", ["method", "route"]
)
RPC_SECONDS = Histogram(
    "gateway_rpc_seconds",
    "Round trip of one casino command over RabbitMQ, publish to reply.",
    ["queue", "command", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
WALLET_OUTCOMES = Counter(
    "gateway_wallet_outcomes_total",
    "Wallet callbacks answered, by command and outcome code (ok or the error code).",
    ["command", "code"],
)
WALLET_BATCH_COMMANDS = Histogram(
    "gateway_wallet_batch_commands",
    "Wallet commands carried by one message to the wallet queue.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 500),
)
RPC_IN_FLIGHT = Gauge("gateway_rpc_in_flight", "Casino commands awaiting their reply.")

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response)
async def metrics() -> Response:
    """Prometheus metrics of this gateway process, in the text exposition format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class HttpMetricsMiddleware:
    """Counts and times every HTTP request by its route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)
