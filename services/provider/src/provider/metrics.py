"""The provider's Prometheus metrics, served on GET /metrics.

- `provider_http_requests_total` / `provider_http_request_seconds`: our own endpoints, by
  method, route template and status (`contracts.http_serving.EveryRequest` tells them).
- `provider_casino_call_seconds`: each attempt at a casino wallet callback, by path and
  what we learnt (accepted, rejected, unknown).
- `provider_casino_call_retries_total`: retries of transient failures, by path.
- `provider_casino_outcomes_total`: final outcomes of wallet callbacks, by path, status and
  the casino's code.
- `provider_retry_queue_total`: what the retry queue did to pending calls (a debit rolled
  back, a payout or rollback sent again), by call type and what was heard.
"""

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "provider_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "provider_http_request_seconds", "Time to answer an HTTP request.", ["method", "route"]
)
CASINO_CALL_SECONDS = Histogram(
    "provider_casino_call_seconds",
    "One attempt at a casino wallet callback, request to answer.",
    ["path", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CASINO_CALL_RETRIES = Counter(
    "provider_casino_call_retries_total",
    "Wallet callbacks retried after a transient failure.",
    ["path"],
)
CASINO_OUTCOMES = Counter(
    "provider_casino_outcomes_total",
    "Final outcomes of wallet callbacks, by path, status and the casino's code.",
    ["path", "status", "code"],
)

RETRY_QUEUE = Counter(
    "provider_retry_queue_total",
    "Pending calls resumed by the retry queue, by call type and outcome.",
    ["type", "outcome"],
)

router = APIRouter()


@router.get("/metrics", response_class=Response)
async def metrics() -> Response:
    """Prometheus metrics of this provider process, in the text exposition format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def http_request_answered(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)
