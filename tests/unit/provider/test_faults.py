"""Fault injection: responses are lost only after the casino has processed the request."""

import random

import httpx
import pytest

from contracts.wallet import CreditRequest
from provider.casino_client import CasinoClient, RetryPolicy
from provider.faults import ResponseLosingTransport, casino_transport
from provider.kinds import BetStatus


class CountingCasino:
    def __init__(self) -> None:
        self.processed = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.processed += 1
        return httpx.Response(
            200, json={"success": True, "transactionId": "p", "balance": 5, "currency": "USD"}
        )


async def test_a_lost_response_was_processed_first_then_reads_as_a_transient_error() -> None:
    casino = CountingCasino()
    transport = ResponseLosingTransport(httpx.MockTransport(casino), 1.0, random.Random(1))
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(httpx.ReadError):
            await http.post("http://casino/casino/credit", content=b"{}")
    assert casino.processed == 1


def test_without_faults_the_real_transport_is_used_unwrapped() -> None:
    inner = httpx.MockTransport(CountingCasino())
    assert casino_transport(0.0, None, inner) is inner
    assert isinstance(casino_transport(0.3, 1, inner), ResponseLosingTransport)


async def lost_pattern(seed: int) -> list[bool]:
    transport = casino_transport(0.5, seed, httpx.MockTransport(CountingCasino()))
    lost = []
    async with httpx.AsyncClient(transport=transport) as http:
        for _ in range(20):
            try:
                await http.post("http://casino/x")
                lost.append(False)
            except httpx.ReadError:
                lost.append(True)
    return lost


async def test_a_seeded_fault_run_repeats_exactly() -> None:
    first = await lost_pattern(42)
    assert first == await lost_pattern(42)
    assert any(first)
    assert not all(first)


async def test_the_client_retries_through_lost_responses_and_the_casino_sees_repeats() -> None:
    casino = CountingCasino()
    transport = ResponseLosingTransport(httpx.MockTransport(casino), 0.5, random.Random(3))
    policy = RetryPolicy(attempts=20, initial_backoff=0, max_backoff=0, attempt_timeout=1)
    http = httpx.AsyncClient(base_url="http://casino", transport=transport)
    client = CasinoClient(http, "s", policy)
    request = CreditRequest(session_token="t", transaction_id="p", round_id="r", amount=5)
    outcomes = [await client.call("/casino/credit", request) for _ in range(10)]
    assert all(outcome.status is BetStatus.ACCEPTED for outcome in outcomes)
    attempts = sum(outcome.attempts for outcome in outcomes)
    assert attempts > len(outcomes)  # some responses were lost and the call was sent again
    assert casino.processed == attempts
