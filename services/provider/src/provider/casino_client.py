"""Our signed, retrying client of the casino's wallet callbacks (through the gateway).

Each call's body is serialised once; exactly those bytes are signed (`x-casino-signature`
with the first CASINO_SECRET, timestamped when configured) and sent on every attempt, so
a retry is byte-for-byte the request the casino may already have applied, and its
idempotency returns the first reply again. Every call names us in `x-provider-code`
(PROVIDER_CODE), so the casino verifies it with our secrets and keeps us to our games.

Only transient failures are retried (connection errors, timeouts, HTTP 429/502/503/504,
and any reply saying `retryable: true`), with exponential backoff and jitter, a bounded
number of times. Every other answer is final: 4xx is the casino's decision. A call never
raises for the casino's sake; it returns a `CallOutcome` saying what we know.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from contracts.base import WireModel
from contracts.errors import ErrorCode
from contracts.logs import CORRELATION_HEADER
from contracts.signing import (
    CASINO_SIGNATURE_HEADER,
    PROVIDER_CODE_HEADER,
    Secret,
    signature_headers,
)
from contracts.wallet import GetBalanceRequest
from provider import metrics
from provider.kinds import BetStatus
from provider.outcomes import CallOutcome, TransientCallError, classify
from provider.settings import ProviderSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    initial_backoff: float
    max_backoff: float
    attempt_timeout: float

    @classmethod
    def from_settings(cls, settings: ProviderSettings) -> "RetryPolicy":
        return cls(
            attempts=settings.casino_retry_attempts,
            initial_backoff=settings.casino_retry_initial_backoff_seconds,
            max_backoff=settings.casino_retry_max_backoff_seconds,
            attempt_timeout=settings.casino_attempt_timeout_seconds,
        )


def wire_body(request: WireModel) -> bytes:
    """The bytes a request is sent as: stored with its call, so a resend is identical.

    Fields left at their defaults are left out (a plain win has no `kind`, an ordinary
    bet no `roundClosed`), so a call that uses none of the optional fields is exactly the
    seed protocol's body."""
    return request.model_dump_json(by_alias=True, exclude_none=True, exclude_defaults=True).encode()


class CasinoClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        secret: Secret,
        policy: RetryPolicy,
        *,
        provider_code: str | None = None,
        timestamped: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._secret = secret
        self._policy = policy
        self._identity = {PROVIDER_CODE_HEADER: provider_code} if provider_code else {}
        self._timestamped = timestamped
        self._clock = clock

    async def get_balance(
        self, request: GetBalanceRequest, correlation_id: str | None = None
    ) -> CallOutcome:
        return await self.call("/casino/getBalance", request, correlation_id=correlation_id)

    async def call(
        self,
        path: str,
        request: WireModel,
        *,
        correlation_id: str | None = None,
        attempts: int | None = None,
    ) -> CallOutcome:
        """POST `request` to `path`, retrying transient failures with the same bytes."""
        return await self.send(
            path,
            wire_body(request),
            transaction_id=getattr(request, "transaction_id", None),
            correlation_id=correlation_id,
            attempts=attempts,
        )

    async def send(
        self,
        path: str,
        body: bytes,
        *,
        transaction_id: str | None = None,
        correlation_id: str | None = None,
        attempts: int | None = None,
    ) -> CallOutcome:
        """POST exactly `body` to `path` (the retry queue resends a stored body this way),
        signed now, retrying transient failures with the same bytes."""
        stamp = int(self._clock()) if self._timestamped else None
        headers = {
            "content-type": "application/json",
            **self._identity,
            **signature_headers(body, self._secret, CASINO_SIGNATURE_HEADER, timestamp=stamp),
        }
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        context = {
            "path": path,
            "transaction_id": transaction_id,
            "correlation_id": correlation_id,
        }
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts or self._policy.attempts),
            wait=wait_exponential_jitter(
                multiplier=self._policy.initial_backoff,
                max=self._policy.max_backoff,
                jitter=self._policy.initial_backoff,
            ),
            retry=retry_if_exception_type(TransientCallError),
            before_sleep=lambda state: _log_retry(state, context),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    outcome = await self._attempt(path, body, headers, number, context)
        except TransientCallError as failure:
            outcome = failure.outcome
        metrics.CASINO_OUTCOMES.labels(path, outcome.status.value, outcome.code or "").inc()
        return outcome

    async def _attempt(
        self, path: str, body: bytes, headers: dict[str, str], number: int, context: dict[str, Any]
    ) -> CallOutcome:
        started = time.perf_counter()
        try:
            response = await self._http.post(
                path, content=body, headers=headers, timeout=self._policy.attempt_timeout
            )
        except httpx.RequestError as error:
            metrics.CASINO_CALL_SECONDS.labels(path, BetStatus.UNKNOWN.value).observe(
                time.perf_counter() - started
            )
            log.warning(
                "casino call failed", extra={**context, "attempt": number, "error": repr(error)}
            )
            raise TransientCallError(
                CallOutcome(
                    BetStatus.UNKNOWN,
                    number,
                    code=ErrorCode.CASINO_UNAVAILABLE.value,
                    error=repr(error),
                )
            ) from error
        outcome = classify(response, number)
        metrics.CASINO_CALL_SECONDS.labels(path, outcome.status.value).observe(
            time.perf_counter() - started
        )
        log.info(
            "casino call answered",
            extra={
                **context,
                "attempt": number,
                "http_status": response.status_code,
                "outcome": outcome.status.value,
                "code": outcome.code,
            },
        )
        return outcome


def _log_retry(state: RetryCallState, context: dict[str, Any]) -> None:
    metrics.CASINO_CALL_RETRIES.labels(context["path"]).inc()
    failure = state.outcome.exception() if state.outcome else None
    log.warning(
        "retrying casino call",
        extra={
            **context,
            "attempt": state.attempt_number,
            "next_wait_seconds": round(state.next_action.sleep, 3) if state.next_action else None,
            "error": str(failure),
        },
    )
