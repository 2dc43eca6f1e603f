"""The casino client's retry policy, over an in-memory transport (no network, no sleep)."""

import json
import time
from collections.abc import Callable

import httpx
import pytest

from contracts.signing import CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from contracts.wallet import DebitRequest, RollbackRequest
from provider.casino_client import CasinoClient, RetryPolicy
from provider.kinds import BetStatus

SECRET = "unit-casino-secret"
POLICY = RetryPolicy(attempts=4, initial_backoff=0, max_backoff=0, attempt_timeout=1)
DEBIT = DebitRequest(session_token="tok", transaction_id="bet-1", round_id="round-1", amount=250)
ACCEPTED = {"success": True, "transactionId": "bet-1", "balance": 750, "currency": "USD"}


def error(code: str, retryable: bool) -> dict[str, object]:
    return {"success": False, "error": code.lower(), "code": code, "retryable": retryable}


class ScriptedCasino:
    """Answers each attempt with the next scripted response; records what it was sent."""

    def __init__(self, *script: httpx.Response | Exception) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(
        self, *, timestamped: bool = True, clock: Callable[[], float] = time.time
    ) -> CasinoClient:
        http = httpx.AsyncClient(base_url="http://casino", transport=httpx.MockTransport(self))
        return CasinoClient(http, SECRET, POLICY, timestamped=timestamped, clock=clock)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_transient_statuses_are_retried_until_accepted(status: int) -> None:
    casino = ScriptedCasino(
        httpx.Response(status, json=error("WALLET_UNAVAILABLE", True)),
        httpx.Response(status, text="gateway trouble"),
        httpx.Response(200, json=ACCEPTED),
    )
    outcome = await casino.client().call("/casino/debit", DEBIT)
    assert outcome.status is BetStatus.ACCEPTED
    assert outcome.attempts == 3
    assert outcome.balance == 750
    assert outcome.reply == ACCEPTED


async def test_connection_errors_and_timeouts_are_retried() -> None:
    casino = ScriptedCasino(
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json=ACCEPTED),
    )
    outcome = await casino.client().call("/casino/debit", DEBIT)
    assert (outcome.status, outcome.attempts) == (BetStatus.ACCEPTED, 3)


async def test_a_reply_saying_retryable_is_retried_whatever_its_status() -> None:
    casino = ScriptedCasino(
        httpx.Response(500, json=error("INTERNAL_ERROR", True)),
        httpx.Response(200, json=ACCEPTED),
    )
    outcome = await casino.client().call("/casino/debit", DEBIT)
    assert (outcome.status, outcome.attempts) == (BetStatus.ACCEPTED, 2)


async def test_every_attempt_sends_the_same_bytes_with_the_same_valid_signature() -> None:
    casino = ScriptedCasino(
        httpx.Response(503, json=error("WALLET_UNAVAILABLE", True)),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=ACCEPTED),
    )
    await casino.client(clock=lambda: 1_700_000_000).call("/casino/debit", DEBIT)
    bodies = {request.content for request in casino.requests}
    signatures = {request.headers[CASINO_SIGNATURE_HEADER] for request in casino.requests}
    stamps = {request.headers[TIMESTAMP_HEADER] for request in casino.requests}
    assert len(casino.requests) == 3
    assert len(bodies) == len(signatures) == len(stamps) == 1
    body = bodies.pop()
    assert json.loads(body)["transactionId"] == "bet-1"
    verify(
        body, signatures.pop(), [SECRET], timestamp=stamps.pop(), now=1_700_000_000
    )  # raises if the MAC is not over exactly these bytes


async def test_without_a_timestamp_the_signature_covers_the_body_alone() -> None:
    casino = ScriptedCasino(httpx.Response(200, json=ACCEPTED))
    await casino.client(timestamped=False).call("/casino/debit", DEBIT)
    (request,) = casino.requests
    assert TIMESTAMP_HEADER not in request.headers
    verify(request.content, request.headers[CASINO_SIGNATURE_HEADER], [SECRET])


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "INSUFFICIENT_FUNDS"), (401, "INVALID_SESSION"), (409, "DUPLICATE_TRANSACTION")],
)
async def test_a_4xx_is_final_and_reported_with_the_casinos_code(status: int, code: str) -> None:
    casino = ScriptedCasino(httpx.Response(status, json=error(code, False)))
    outcome = await casino.client().call("/casino/debit", DEBIT)
    assert outcome.status is BetStatus.REJECTED
    assert (outcome.code, outcome.attempts) == (code, 1)
    assert outcome.balance is None
    assert len(casino.requests) == 1


async def test_retries_are_bounded_and_end_unknown() -> None:
    casino = ScriptedCasino(*[httpx.Response(503, json=error("WALLET_UNAVAILABLE", True))] * 4)
    outcome = await casino.client().call("/casino/debit", DEBIT)
    assert outcome.status is BetStatus.UNKNOWN
    assert (outcome.code, outcome.attempts) == ("WALLET_UNAVAILABLE", 4)
    assert len(casino.requests) == POLICY.attempts


async def test_a_call_may_insist_longer_than_the_policy() -> None:
    casino = ScriptedCasino(
        *[httpx.ConnectError("down")] * 6,
        httpx.Response(
            200,
            json={
                "success": True,
                "transactionId": "rb-1",
                "rolledBack": True,
                "balance": 1000,
                "currency": "USD",
            },
        ),
    )
    request = RollbackRequest(
        session_token="tok", transaction_id="rb-1", original_transaction_id="bet-1"
    )
    outcome = await casino.client().call("/casino/rollback", request, attempts=10)
    assert (outcome.status, outcome.attempts, outcome.balance) == (BetStatus.ACCEPTED, 7, 1000)


async def test_a_server_error_that_is_not_retryable_is_unknown_at_once() -> None:
    casino = ScriptedCasino(httpx.Response(500, text="boom"))
    outcome = await casino.client().call("/casino/debit", DEBIT)
    assert (outcome.status, outcome.attempts, outcome.code) == (BetStatus.UNKNOWN, 1, "HTTP_500")


async def test_the_correlation_id_travels_with_every_attempt() -> None:
    casino = ScriptedCasino(httpx.ConnectError("down"), httpx.Response(200, json=ACCEPTED))
    await casino.client().call("/casino/debit", DEBIT, correlation_id="corr-1")
    assert [r.headers["x-correlation-id"] for r in casino.requests] == ["corr-1", "corr-1"]
