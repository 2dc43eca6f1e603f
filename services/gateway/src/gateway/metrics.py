"""The gateway's Prometheus metrics, served on GET /metrics.

- `gateway_http_requests_total` / `gateway_http_request_seconds`: every request, by
  method, route template (not the raw path, so ids do not explode the label set) and
  status (`contracts.http_serving.EveryRequest` tells them).
- `gateway_rpc_seconds`: the RabbitMQ round trip of each casino command (for a wallet
  command, waiting for a batch slot included), by queue, command and outcome (`ok` or
  the error code, WALLET_UNAVAILABLE for a timeout).
- `gateway_wallet_outcomes_total`: wallet callbacks answered, by command and code.
- `gateway_rpc_in_flight`: commands awaiting their reply, published or waiting for a
  batch slot.
- `gateway_wallet_batch_commands`: wallet commands per message sent
  (`gateway.callbacks.batching`); 1 at low load, more when commands queue up behind the
  messages in flight.
- `gateway_registry_age_seconds`: how old the provider registry in force is, since the
  casino's answer (`gateway.providers`); +Inf before its first answer. It grows past
  REGISTRY_REFRESH_SECONDS only while the casino does not answer.
- `gateway_registry_refresh_failures_total`: registry questions not answered usably.
"""

from functools import cache

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "gateway_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "gateway_http_request_seconds", "Time to answer an HTTP request.", ["method", "route"]
)
RPC_SECONDS = Histogram(
    "gateway_rpc_seconds",
    "Round trip of one casino command over RabbitMQ, call to reply (batch slot wait included).",
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
REGISTRY_AGE = Gauge(
    "gateway_registry_age_seconds",
    "Seconds since the casino answered the provider registry in force (+Inf before any).",
)
REGISTRY_REFRESH_FAILURES = Counter(
    "gateway_registry_refresh_failures_total",
    "Provider registry questions the casino did not answer usably.",
)

router = APIRouter(tags=["health"])


def http_request_answered(method: str, route: str, status: int, seconds: float) -> None:
    requests, timing = _http_children(method, route, status)
    requests.inc()
    timing.observe(seconds)


def command_answered(queue: str, command: str, outcome: str, seconds: float) -> None:
    _rpc_child(queue, command, outcome).observe(seconds)


def wallet_answered(command: str, outcome: str) -> None:
    _wallet_child(command, outcome).inc()


# `labels()` checks and looks its arguments up on every call; these few label sets are
# resolved once. (A `labels()` child is the same object each time, so this only skips
# the work.)
@cache
def _http_children(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    return HTTP_REQUESTS.labels(method, route, str(status)), HTTP_SECONDS.labels(method, route)


@cache
def _rpc_child(queue: str, command: str, outcome: str) -> Histogram:
    return RPC_SECONDS.labels(queue, command, outcome)


@cache
def _wallet_child(command: str, outcome: str) -> Counter:
    return WALLET_OUTCOMES.labels(command, outcome)


@router.get("/metrics", response_class=Response)
async def metrics() -> Response:
    """Prometheus metrics of this gateway process, in the text exposition format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
